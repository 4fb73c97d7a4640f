import { randomUUID } from 'node:crypto';
import { ChorusApiError, type ChorusClient, type Problem, SUBJECT_REPORT_LIMITS } from '@chorus/client';
import { type Stack, startStack } from '../../../test/support/stack';
import { newAccount, newMember } from '../../../test/support/accounts';
import { refusal } from '../../../test/support/requests';
import { ProjectAccess } from '../src/projects/project-access';

/**
 * Who may use a researchers' (or moderators') route is asked before its body, query and parameters are read: anyone
 * else sending a malformed request gets the answer a well-formed one gets (403, or 404 where they may not see the
 * project), never a 422 that describes what the route takes; its researchers still get the 422 naming the field.
 */

let stack: Stack;
const live = { projectId: '', workflowId: '', subjectSetId: '', subjectId: '', commentId: '', newsId: '' };
const draft = { projectId: '', workflowId: '', subjectSetId: '', subjectId: '', commentId: '', newsId: '' };
let definition: Record<string, unknown>;
let volunteer: ChorusClient;
let guest: ChorusClient;
let moderator: ChorusClient;
let memberEmail: string;

async function projectWith(status: 'live' | 'draft', into: typeof live) {
  const project = await stack.client.createProject({ title: `Access first ${randomUUID().slice(0, 8)}`, status });
  const set = await stack.client.createSubjectSet(project.id, { name: 'Set' });
  await stack.client.addSubjects(set.id, [{ externalId: 'a', locations: [{ type: 'image', url: 'https://example.org/a.jpg' }] }]);
  const workflow = await stack.client.createWorkflow(project.id, {
    name: 'W',
    firstTask: 'T0',
    tasks: { T0: { type: 'single', question: 'Q', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
    subjectSetIds: [set.id],
  });
  await stack.client.activateWorkflow(workflow.id);
  const { rows } = await stack.db.query('SELECT id FROM subjects WHERE project_id = $1', [project.id]);
  const comment = await stack.client.postComment(rows[0].id, { projectId: project.id, body: 'A comment' });
  const news = await stack.client.postNews(project.id, { title: 'News', body: 'Text' });
  Object.assign(into, { projectId: project.id, workflowId: workflow.id, subjectSetId: set.id, subjectId: rows[0].id, commentId: comment.id, newsId: news.id });
}

beforeAll(async () => {
  stack = await startStack({ worker: false });
  await projectWith('live', live);
  await projectWith('draft', draft);
  definition = (await stack.client.getWorkflow(live.workflowId)).definition as Record<string, unknown>;
  volunteer = (await newAccount(stack, 'Volunteer')).client;
  guest = stack.anonymous.withToken((await stack.anonymous.guest()).token);
  const member = await newMember(stack, live.projectId, 'moderator', 'Moderator');
  moderator = member.client;
  memberEmail = member.email;
});
afterAll(async () => {
  await stack.stop();
});

interface Route {
  method: string;
  path: (ids: typeof live) => string;
  good: (ids: typeof live) => unknown;
  bad: unknown;
  /** The field the researchers' 422 names. */
  pointer: string;
  /** Moderators may use it too. */
  moderators?: true;
}

const routes: Record<string, Route> = {
  'PUT /workflows/:id': { method: 'PUT', path: (ids) => `/workflows/${ids.workflowId}`, good: () => definition, bad: { ...definitionOf(), firstTask: 42 }, pointer: '/firstTask' },
  'POST /projects/:id/workflows': { method: 'POST', path: (ids) => `/projects/${ids.projectId}/workflows`, good: () => definition, bad: { ...definitionOf(), firstTask: 42 }, pointer: '/firstTask' },
  'PATCH /projects/:id': { method: 'PATCH', path: (ids) => `/projects/${ids.projectId}`, good: () => ({ title: 'Renamed' }), bad: { status: 'open' }, pointer: '/status' },
  'POST /projects/:id/subject-sets': { method: 'POST', path: (ids) => `/projects/${ids.projectId}/subject-sets`, good: () => ({ name: 'More' }), bad: { name: '' }, pointer: '/name' },
  'GET /subject-sets/:id/subjects.csv': { method: 'GET', path: (ids) => `/subject-sets/${ids.subjectSetId}/subjects.csv`, good: () => undefined, bad: '?format=json', pointer: '/query/format' },
  'PATCH /subject-sets/:id': { method: 'PATCH', path: (ids) => `/subject-sets/${ids.subjectSetId}`, good: () => ({ name: 'Renamed' }), bad: { name: 7 }, pointer: '/name' },
  'PATCH /subjects/:id': {
    method: 'PATCH',
    path: (ids) => `/subjects/${ids.subjectId}`,
    good: () => ({ locations: [{ type: 'image', url: 'https://example.org/moved/a.jpg' }], reason: 'Moved' }),
    bad: { locations: 'https://example.org/moved/a.jpg', reason: 'Moved' },
    pointer: '/locations',
  },
  'POST /workflows/:id/unretire': { method: 'POST', path: (ids) => `/workflows/${ids.workflowId}/unretire`, good: (ids) => ({ subjectIds: [ids.subjectId], reason: 'By mistake' }), bad: { subjectIds: [], reason: 'x' }, pointer: '/subjectIds' },
  'POST /workflows/:id/retire': {
    method: 'POST',
    path: (ids) => `/workflows/${ids.workflowId}/retire`,
    good: (ids) => ({ subjectIds: [ids.subjectId], reason: 'Done' }),
    bad: { subjectIds: ['a'], reason: 'Done' },
    pointer: '/subjectIds/0',
    moderators: true,
  },
  'POST /workflows/:id/priorities': { method: 'POST', path: (ids) => `/workflows/${ids.workflowId}/priorities`, good: (ids) => ({ priorities: [{ subjectId: ids.subjectId, priority: 1 }] }), bad: { priorities: [{ priority: 'high' }] }, pointer: '/priorities/0/priority' },
  'POST /workflows/:id/reaggregate': { method: 'POST', path: (ids) => `/workflows/${ids.workflowId}/reaggregate`, good: () => ({ scope: 'unretired' }), bad: { scope: 'some' }, pointer: '/scope' },
  'POST /workflows/:id/download-links': { method: 'POST', path: (ids) => `/workflows/${ids.workflowId}/download-links`, good: () => ({ kind: 'consensus' }), bad: { kind: 'everything' }, pointer: '/kind' },
  'PUT /projects/:id/members': { method: 'PUT', path: (ids) => `/projects/${ids.projectId}/members`, good: () => ({ email: memberEmail, role: 'scientist' }), bad: { email: 'someone@example.org', role: 'king' }, pointer: '/role' },
  'POST /projects/:id/news': { method: 'POST', path: (ids) => `/projects/${ids.projectId}/news`, good: () => ({ title: 'News', body: 'Text' }), bad: { title: 'News', body: 'Text', mail: 'yes' }, pointer: '/mail' },
  'PATCH /projects/:id/news/:newsId': { method: 'PATCH', path: (ids) => `/projects/${ids.projectId}/news/${ids.newsId}`, good: () => ({ title: 'Edited' }), bad: { title: 'Edited', mail: true }, pointer: '/mail' },
  // A malformed item id (the bad part goes after the address).
  'DELETE /projects/:id/news/:newsId': { method: 'DELETE', path: (ids) => `/projects/${ids.projectId}/news/${ids.newsId}`, good: () => undefined, bad: 'x', pointer: '/params/newsId' },
  'POST /projects/:id/invitations': { method: 'POST', path: (ids) => `/projects/${ids.projectId}/invitations`, good: () => ({ email: 'new@example.org', role: 'scientist' }), bad: { email: 'nobody', role: 'scientist' }, pointer: '/email' },
  // The downloads, public for their links' sake, ask who is downloading before the query too (21a F7).
  'GET /workflows/:id/consensus': { method: 'GET', path: (ids) => `/workflows/${ids.workflowId}/consensus`, good: () => undefined, bad: '?sort=newest', pointer: '/query/sort' },
  'GET /workflows/:id/classifications': { method: 'GET', path: (ids) => `/workflows/${ids.workflowId}/classifications`, good: () => undefined, bad: '?format=xml', pointer: '/query/format' },
  'GET /workflows/:id/subject-reports': { method: 'GET', path: (ids) => `/workflows/${ids.workflowId}/subject-reports`, good: () => undefined, bad: '?since=yesterday', pointer: '/query/since' },
  'GET /workflows/:id/subject-results': { method: 'GET', path: (ids) => `/workflows/${ids.workflowId}/subject-results`, good: () => undefined, bad: '?limit=0', pointer: '/query/limit' },
  'GET /workflows/:id/tag-proposals': { method: 'GET', path: (ids) => `/workflows/${ids.workflowId}/tag-proposals`, good: () => undefined, bad: '?limit=0', pointer: '/query/limit', moderators: true },
  'DELETE /workflows/:id/hidden-tags': {
    method: 'DELETE',
    path: (ids) => `/workflows/${ids.workflowId}/hidden-tags?subjectId=${ids.subjectId}&task=T0&tag=rude`,
    good: () => undefined,
    bad: '&colour=red',
    pointer: '/query/colour',
    moderators: true,
  },
  'GET /projects/:id/reported-comments': { method: 'GET', path: (ids) => `/projects/${ids.projectId}/reported-comments`, good: () => undefined, bad: '?status=closed', pointer: '/query/status', moderators: true },
  // A comment's routes for its project's moderators: asked by the comment's id (`COMMENT_MODERATORS`).
  'POST /comments/:id/reports/dismissal': { method: 'POST', path: (ids) => `/comments/${ids.commentId}/reports/dismissal`, good: () => ({}), bad: { note: 'x'.repeat(SUBJECT_REPORT_LIMITS.dismissalNoteLength + 1) }, pointer: '/note', moderators: true },
  'PUT /comments/:id/hidden': { method: 'PUT', path: (ids) => `/comments/${ids.commentId}/hidden`, good: () => ({ reason: 'Spam' }), bad: { reason: '' }, pointer: '/reason', moderators: true },
  'GET /subjects/:id/location-changes': { method: 'GET', path: (ids) => `/subjects/${ids.subjectId}/location-changes`, good: () => undefined, bad: '?limit=0', pointer: '/query/limit' },
};

function definitionOf(): Record<string, unknown> {
  return { name: 'W', tasks: {}, subjectSetIds: [] };
}

/** The route called with a good or a bad request (a bad query goes in the address, a bad body in the body). */
async function answer(caller: ChorusClient, route: Route, ids: typeof live, which: 'good' | 'bad'): Promise<{ status: number; problem: Problem }> {
  const query = which === 'bad' && typeof route.bad === 'string' ? route.bad : '';
  const body = which === 'good' ? route.good(ids) : typeof route.bad === 'string' ? undefined : route.bad;
  try {
    await caller.request(route.method, `${route.path(ids)}${query}`, body);
  } catch (error) {
    if (error instanceof ChorusApiError) return { status: error.status, problem: error.problem };
    throw error;
  }
  throw new Error(`${route.method} ${route.path(ids)} was not refused`);
}

describe.each(Object.entries(routes))('%s', (_, route) => {
  it('answers a volunteer, a guest and (on researchers’ routes) a moderator a malformed request as a well-formed one: 403', async () => {
    for (const caller of [volunteer, guest, ...(route.moderators ? [] : [moderator])]) {
      const good = await answer(caller, route, live, 'good');
      expect(good.status).toBe(403);
      expect(await answer(caller, route, live, 'bad')).toEqual(good);
    }
  });

  it('answers someone outside a draft project a malformed request as a well-formed one: 404', async () => {
    const good = await answer(volunteer, route, draft, 'good');
    expect(good.status).toBe(404);
    expect(await answer(volunteer, route, draft, 'bad')).toEqual(good);
  });

  it('still names the bad field to the project’s researchers', async () => {
    const { status, problem } = await answer(stack.client, route, live, 'bad');
    expect(status).toBe(422);
    expect(problem.errors?.map((error) => error.pointer)).toContain(route.pointer);
  });
});

it('withdraws an invitation only for the project’s administrators, before reading the address it names', async () => {
  const bad = `/projects/${live.projectId}/invitations/${encodeURIComponent('not an email')}`;
  const good = `/projects/${live.projectId}/invitations/${encodeURIComponent('someone@example.org')}`;
  const asVolunteer = await refusal(volunteer.request('DELETE', good), { status: 403 });
  expect((await refusal(volunteer.request('DELETE', bad))).problem).toEqual(asVolunteer.problem);
  await refusal(stack.client.request('DELETE', bad), { status: 422, pointers: ['/params/email'] });
});

it('asks once per download whether its caller is one of the workflow’s researchers: the download takes the answer its guard found', async () => {
  const asked = jest.spyOn(stack.app.get(ProjectAccess), 'requireResearcher'); // observed, not replaced
  try {
    const byToken = { consensus: () => stack.client.consensus(live.workflowId, { format: 'csv' }), classifications: () => stack.client.classifications(live.workflowId, { format: 'csv' }) };
    for (const download of Object.values(byToken)) {
      asked.mockClear();
      await download();
      expect(asked).toHaveBeenCalledTimes(1);
    }
    const { url } = await stack.client.downloadLink(live.workflowId, { kind: 'subject-reports' });
    asked.mockClear();
    const response = await fetch(`${stack.baseUrl}${url}`);
    await response.text(); // the whole download, so that it ends here
    expect(response.status).toBe(200);
    expect(asked).toHaveBeenCalledTimes(1);
  } finally {
    asked.mockRestore();
  }
});
