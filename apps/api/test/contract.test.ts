import {
  aboutPagesSchema,
  accountWorkflowSchema,
  discussionFollowSchema,
  subjectDiscussionSchema,
  apiKeyListSchema,
  newApiKeySchema,
  classificationStoredSchema,
  favouritePageSchema,
  favouriteSchema,
  newsSubscribersSchema,
  newsSubscriptionSchema,
  mailsStoppedSchema,
  projectNewsPageSchema,
  projectNewsSchema,
  ownClassificationListSchema,
  ownCommentPageSchema,
  healthSchema,
  accountViewSchema,
  invitationListSchema,
  invitationViewSchema,
  memberListSchema,
  ownInvitationListSchema,
  memberRemovedSchema,
  memberViewSchema,
  prioritiesSetSchema,
  problemSchema,
  projectListSchema,
  projectViewSchema,
  proposedTagsSchema,
  queueViewSchema,
  reaggregationListSchema,
  reaggregationRunSchema,
  sessionSchema,
  verifiedEmailSchema,
  subjectResultDetailSchema,
  subjectResultPageSchema,
  subjectSetListSchema,
  subjectSetViewSchema,
  subjectsAddedSchema,
  subjectsRetiredSchema,
  subjectsUnretiredSchema,
  publishedResultSchema,
  publishedResultListSchema,
  publishedTextSchema,
  workflowSavedSchema,
  workflowCopySchema,
  workflowStatsSchema,
  workflowVersionListSchema,
  workflowVersionViewSchema,
  workflowViewSchema,
} from '@chorus/client';
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { type Stack, startStack } from '../../../test/support/stack';
import { until } from '../../../test/support/waiting';
import { SUBJECT_FILE_TYPES } from '../src/subject-sets/subject-uploads';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.stop());

/** Calls the API over HTTP and returns the status and the body exactly as sent. */
async function call(method: string, path: string, token: string | undefined, body?: unknown) {
  const response = await fetch(`${stack.baseUrl}/api/v1${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}), 'idempotency-key': randomUUID() },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as unknown };
}

/** The body, checked against the documented schema (strict: a field the schema does not name fails too). */
function documented<S extends z.ZodType>(schema: S, answer: { status: number; body: unknown }, status: number): z.infer<S> {
  expect(answer.status).toBe(status);
  const parsed = schema.safeParse(answer.body);
  if (!parsed.success) throw new Error(`the answer ${JSON.stringify(answer.body).slice(0, 500)} differs from its documented schema: ${parsed.error.message}`);
  return parsed.data;
}

describe('the API answers as its OpenAPI document says', () => {
  it('sends every answer of a project’s life in the shape of the schema it documents', async () => {
    /** Signs up, answered 202 with no body, opens the link mailed, and signs in. */
    const signedUp = async (email: string, displayName: string) => {
      const answer = await fetch(`${stack.baseUrl}/api/v1/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password: 'a long enough password', displayName }),
      });
      expect([answer.status, await answer.text()]).toEqual([202, '']);
      documented(verifiedEmailSchema, await call('POST', '/auth/email-verification', undefined, { token: stack.inbox.linkToken(await stack.inbox.takeVerification(email)) }), 200);
      return documented(sessionSchema, await call('POST', '/auth/login', undefined, { email, password: 'a long enough password' }), 200);
    };
    const researcher = await signedUp(`contract-${randomUUID()}@example.org`, 'R');
    const token = researcher.token;
    const project = documented(projectViewSchema, await call('POST', '/projects', token, { title: `Contract ${randomUUID().slice(0, 8)}`, status: 'live' }), 201);
    documented(projectViewSchema, await call('PATCH', `/projects/${project.id}`, token, { description: 'Newspaper snippets' }), 200);
    documented(projectViewSchema, await call('GET', `/projects/${project.slug}`, token), 200);
    documented(projectListSchema, await call('GET', '/projects', token), 200);
    const colleague = await signedUp(`colleague-${randomUUID()}@example.org`, 'C');
    documented(invitationViewSchema, await call('POST', `/projects/${project.id}/invitations`, token, { email: colleague.user.email, role: 'moderator' }), 201);
    documented(invitationListSchema, await call('GET', `/projects/${project.id}/invitations`, token), 200);
    documented(ownInvitationListSchema, await call('GET', '/account/invitations', colleague.token), 200);
    documented(memberViewSchema, await call('POST', `/account/invitations/${project.id}`, colleague.token), 201);
    documented(memberViewSchema, await call('PUT', `/projects/${project.id}/members`, token, { email: colleague.user.email, role: 'scientist' }), 200);
    documented(accountViewSchema, await call('GET', '/account', colleague.token), 200);
    documented(accountViewSchema, await call('PATCH', '/account', colleague.token, { displayName: 'Colleague' }), 200);
    const key = documented(newApiKeySchema, await call('POST', '/account/api-keys', colleague.token, { name: 'Nightly download' }), 201);
    documented(apiKeyListSchema, await call('GET', '/account/api-keys', colleague.token), 200);
    expect(documented(accountViewSchema, await call('GET', '/account', key.secret), 200).apiKey?.id).toBe(key.id);
    documented(problemSchema, await call('GET', '/account/api-keys', key.secret), 403);
    const readKey = documented(newApiKeySchema, await call('POST', '/account/api-keys', colleague.token, { name: 'Dashboard', scope: 'read' }), 201);
    expect(documented(problemSchema, await call('PATCH', '/account', readKey.secret, { displayName: 'Renamed by a script' }), 403)).toMatchObject({ keyScope: 'read', neededScope: 'full' });
    documented(memberListSchema, await call('GET', `/projects/${project.id}/members`, token), 200);
    expect(documented(newsSubscriptionSchema, await call('PUT', `/projects/${project.id}/news-subscription`, colleague.token), 200).subscribed).toBe(true);
    documented(newsSubscriptionSchema, await call('GET', `/projects/${project.id}/news-subscription`, colleague.token), 200);
    expect(documented(newsSubscribersSchema, await call('GET', `/projects/${project.id}/news-subscribers`, token), 200).subscribers).toBe(1);
    const news = documented(projectNewsSchema, await call('POST', `/projects/${project.id}/news`, token, { title: 'Welcome', body: 'Read *this*.', mail: true }), 201);
    documented(projectNewsSchema, await call('PATCH', `/projects/${project.id}/news/${news.id}`, token, { title: 'Welcome!' }), 200);
    documented(projectNewsSchema, await call('GET', `/projects/${project.id}/news/${news.id}`, undefined), 200);
    documented(projectNewsPageSchema, await call('GET', `/projects/${project.id}/news`, undefined), 200);
    documented(problemSchema, await call('POST', `/projects/${project.id}/news`, token, { title: 'Again', body: 'B', mail: true }), 429);
    documented(aboutPagesSchema, await call('PUT', `/projects/${project.id}/pages/research`, token, { content: 'Why *we* read them.' }), 200);
    expect(documented(aboutPagesSchema, await call('GET', `/projects/${project.id}/pages`, undefined), 200).pages).toHaveLength(1);
    const newsMail = await stack.inbox.take(colleague.user.email!, /Welcome/);
    documented(mailsStoppedSchema, await call('POST', `/unsubscriptions?token=${stack.inbox.linkToken(newsMail)}`, undefined), 200);
    documented(newsSubscriptionSchema, await call('DELETE', `/projects/${project.id}/news-subscription`, colleague.token), 200);
    documented(memberRemovedSchema, await call('DELETE', `/projects/${project.id}/members/${colleague.user.id}`, token), 200);
    const set = documented(subjectSetViewSchema, await call('POST', `/projects/${project.id}/subject-sets`, token, { name: 'Snippets' }), 201);
    const subjects = [{ externalId: 'a', locations: [{ type: 'text', text: 'For sale: a horse' }], metadata: { page: 1, '#box': 'B1' } }, { externalId: 'b', locations: [{ type: 'text', text: 'Council news' }] }];
    const added = documented(subjectsAddedSchema, await call('POST', `/subject-sets/${set.id}/subjects`, token, { subjects }), 201);
    documented(subjectSetListSchema, await call('GET', `/projects/${project.id}/subject-sets`, token), 200);
    const definition = {
      name: 'Ads',
      firstTask: 'T0',
      tasks: {
        T0: { type: 'single', question: 'An advertisement?', answers: [{ value: 'yes', label: 'Yes', next: 'T1' }, { value: 'no', label: 'No' }] },
        T1: { type: 'tagging', instruction: 'What is for sale?' },
      },
      retirement: { rule: 'count', count: 3 },
      subjectSetIds: [set.id],
    };
    const workflow = documented(workflowSavedSchema, await call('POST', `/projects/${project.id}/workflows`, token, definition), 201);
    documented(workflowViewSchema, await call('POST', `/workflows/${workflow.id}/activate`, token), 200);
    documented(workflowViewSchema, await call('GET', `/workflows/${workflow.id}`, token), 200);
    documented(workflowVersionViewSchema, await call('GET', `/workflows/${workflow.id}/versions/1`, token), 200);

    const guest = documented(sessionSchema, await call('POST', '/auth/guest', undefined), 201);
    const queue = documented(queueViewSchema, await call('GET', `/workflows/${workflow.id}/queue?limit=2`, guest.token), 200);
    expect(queue.subjects).toHaveLength(2);
    const [first] = queue.subjects;
    const annotations = [{ task: 'T0', value: 'yes' }, { task: 'T1', value: { add: ['horse'] } }];
    documented(classificationStoredSchema, await call('POST', '/classifications', guest.token, { workflowId: workflow.id, workflowVersion: 1, subjectId: first!.id, annotations }), 201);
    documented(proposedTagsSchema, await call('GET', `/workflows/${workflow.id}/subjects/${first!.id}/tags?task=T1`, token), 200);
    documented(favouriteSchema, await call('PUT', `/subjects/${first!.id}/favourite`, guest.token, { workflowId: workflow.id }), 201);
    documented(favouriteSchema, await call('PUT', `/subjects/${first!.id}/favourite`, guest.token, { workflowId: workflow.id }), 200);
    expect(documented(favouritePageSchema, await call('GET', '/account/favourites', guest.token), 200).favourites).toHaveLength(1);
    expect(documented(discussionFollowSchema, await call('PUT', `/subjects/${first!.id}/follow?projectId=${project.id}`, colleague.token), 200)).toEqual({ following: true });
    expect(documented(subjectDiscussionSchema, await call('GET', `/subjects/${first!.id}/comments?projectId=${project.id}`, colleague.token), 200).following).toBe(true);
    expect(documented(discussionFollowSchema, await call('DELETE', `/subjects/${first!.id}/follow?projectId=${project.id}`, colleague.token), 200)).toEqual({ following: false });
    expect(documented(ownClassificationListSchema, await call('GET', '/classifications', guest.token), 200).classifications[0]?.favourite).toBe(true);
    expect(documented(accountWorkflowSchema, await call('GET', `/account/workflows/${workflow.id}`, guest.token), 200)).toEqual({ classifications: 1, tutorialSeen: false });
    const seen = await fetch(`${stack.baseUrl}/api/v1/account/tutorials-seen`, { method: 'PUT', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ workflowId: workflow.id }) });
    expect([seen.status, await seen.text()]).toEqual([204, '']);
    expect(documented(accountWorkflowSchema, await call('GET', `/account/workflows/${workflow.id}`, token), 200).tutorialSeen).toBe(true);
    documented(problemSchema, await call('PUT', '/account/tutorials-seen', guest.token, { workflowId: workflow.id }), 403);
    // The caller's own comments: a guest has none; an account's listed as documented.
    expect(documented(ownCommentPageSchema, await call('GET', '/account/comments', guest.token), 200)).toEqual({ comments: [], next: null });
    await call('POST', `/subjects/${first!.id}/comments`, token, { projectId: project.id, body: 'Is this a #stamp?' });
    expect(documented(ownCommentPageSchema, await call('GET', '/account/comments?limit=1', token), 200).comments).toHaveLength(1);
    documented(workflowStatsSchema, await call('GET', `/workflows/${workflow.id}/stats`, token), 200);
    // A subject's results, once the worker has its consensus, and the page that lists it.
    const results = async () => documented(subjectResultDetailSchema, await call('GET', `/workflows/${workflow.id}/subject-results/${first!.id}`, token), 200);
    await until(async () => Object.keys((await results()).consensus).length > 0, 'the consensus of the classified subject');
    expect(Object.keys((await results()).consensus).sort()).toEqual(['T0', 'T1']);
    const page = documented(subjectResultPageSchema, await call('GET', `/workflows/${workflow.id}/subject-results?q=${first!.externalId}&limit=1`, token), 200);
    expect(page.subjects.map((subject) => [subject.id, Object.keys(subject.consensus).sort()])).toEqual([[first!.id, ['T0', 'T1']]]);

    documented(subjectsRetiredSchema, await call('POST', `/workflows/${workflow.id}/retire`, token, { subjectIds: [added.subjectIds[1]], reason: 'torn page' }), 200);
    // Its result, once the project publishes results, for anyone.
    expect(documented(projectViewSchema, await call('PATCH', `/projects/${project.id}`, token, { resultsPublic: true }), 200).resultsPublic).toBe(true);
    documented(publishedResultSchema, await call('GET', `/workflows/${workflow.id}/subjects/${added.subjectIds[1]}/result`, undefined), 200);
    expect(documented(publishedResultListSchema, await call('GET', `/projects/${project.id}/subjects/${added.subjectIds[1]}/results`, undefined), 200).results).toHaveLength(1);
    // A set read as a document, in a workflow that transcribes it (a subject retired there by hand is published).
    const transcribing = documented(workflowSavedSchema, await call('POST', `/projects/${project.id}/workflows`, token, { name: 'Type', firstTask: 'T0', tasks: { T0: { type: 'transcription', instruction: 'Type it' } }, subjectSetIds: [set.id] }), 201);
    documented(workflowViewSchema, await call('POST', `/workflows/${transcribing.id}/activate`, token), 200);
    documented(subjectsRetiredSchema, await call('POST', `/workflows/${transcribing.id}/retire`, token, { subjectIds: [added.subjectIds[1]], reason: 'typed elsewhere' }), 200);
    expect(documented(publishedTextSchema, await call('GET', `/subject-sets/${set.id}/published-text?workflowId=${transcribing.id}`, undefined), 200).pages.map((page) => page.published)).toContain(true);
    documented(subjectsUnretiredSchema, await call('POST', `/workflows/${workflow.id}/unretire`, token, { subjectIds: [added.subjectIds[1]], reason: 'mended' }), 200);
    documented(prioritiesSetSchema, await call('POST', `/workflows/${workflow.id}/priorities`, token, { priorities: [{ subjectId: added.subjectIds[0], priority: 1 }] }), 200);
    const saved = documented(workflowSavedSchema, await call('PUT', `/workflows/${workflow.id}`, token, { ...definition, retirement: { rule: 'count', count: 4 } }), 200);
    documented(workflowCopySchema, await call('POST', `/workflows/${workflow.id}/copies`, token, { name: 'Copy' }), 201);
    expect(saved.reaggregation).toBeDefined();
    const { versions } = documented(workflowVersionListSchema, await call('GET', `/workflows/${workflow.id}/versions`, token), 200);
    expect(versions.map((listed) => [listed.version, listed.changes?.fields])).toEqual([[2, ['/retirement']], [1, undefined]]);
    const run = documented(reaggregationRunSchema, await call('POST', `/workflows/${workflow.id}/reaggregate`, token, { scope: 'all' }), 202);
    documented(reaggregationRunSchema, await call('GET', `/workflows/${workflow.id}/reaggregations/${run.id}`, token), 200);
    const { runs } = documented(reaggregationListSchema, await call('GET', `/workflows/${workflow.id}/reaggregations`, token), 200);
    expect(runs.map((listed) => listed.jobId)).toContain(run.id);
    documented(workflowViewSchema, await call('POST', `/workflows/${workflow.id}/pause`, token), 200);
    documented(queueViewSchema, await call('GET', `/workflows/${workflow.id}/queue`, token), 200);
    documented(healthSchema, await call('GET', '/health', undefined), 200);
    documented(problemSchema, await call('GET', `/workflows/${workflow.id}/queue`, guest.token), 409);
    documented(workflowViewSchema, await call('POST', `/workflows/${workflow.id}/finish`, token), 200);
  });

  it('sends a transcription its volunteer asked the team to check, unsure and all, in the shape it documents', async () => {
    const project = await stack.client.createProject({ title: `Contract unsure ${randomUUID().slice(0, 8)}`, status: 'live' });
    const set = await stack.client.createSubjectSet(project.id, { name: 'Letters' });
    const { subjectIds: [page] } = await stack.client.addSubjects(set.id, [{ externalId: 'page', locations: [{ type: 'text', text: 'Dear Sir' }] }]);
    const { id } = await stack.client.createWorkflow(project.id, { name: 'W', firstTask: 'T0', tasks: { T0: { type: 'transcription', instruction: 'Type it' } }, retirement: { rule: 'count', count: 5 }, subjectSetIds: [set.id] });
    await stack.client.activateWorkflow(id);
    const guest = documented(sessionSchema, await call('POST', '/auth/guest', undefined), 201);
    const annotations = [{ task: 'T0', value: 'Dear Sir', unsure: true }];
    documented(classificationStoredSchema, await call('POST', '/classifications', guest.token, { workflowId: id, workflowVersion: 1, subjectId: page, annotations }), 201);
    expect(documented(ownClassificationListSchema, await call('GET', '/classifications', guest.token), 200).classifications[0]?.annotations).toEqual(annotations);
    const detail = documented(subjectResultDetailSchema, await call('GET', `/workflows/${id}/subject-results/${page}`, stack.client.token), 200);
    expect(detail.classifications.map((classification) => classification.annotations)).toEqual([annotations]);
  });

  it('documents a success schema (or no content) and the problem shape for every JSON route', async () => {
    type Operation = { operationId: string; responses: Record<string, { content?: Record<string, { schema?: object }> }> };
    const document = (await (await fetch(`${stack.baseUrl}/api/docs/openapi.json`)).json()) as { paths: Record<string, Record<string, Operation>> };
    const operations = Object.values(document.paths).flatMap((methods) => Object.values(methods));
    expect(operations.length).toBeGreaterThan(25);
    const undocumented = operations.filter((operation) => {
      const [status, response] = Object.entries(operation.responses).find(([code]) => /^2/.test(code)) ?? [];
      const success = response?.content ?? {};
      // 204 No Content (a delete) and 202 Accepted (a mail on its way) document their answer by having none.
      const answer = response?.content ? (success['application/json']?.schema ?? success['text/csv; charset=utf-8'] ?? success['text/plain; charset=utf-8']) : status === '204' || status === '202';
      return !answer || !operation.responses.default?.content?.['application/problem+json']?.schema;
    });
    expect(undocumented.map((operation) => operation.operationId)).toEqual([]);
  });

  it('documents a 409 a route answers as a problem (application/problem+json), as any other status', async () => {
    type Operation = { responses: Record<string, { content?: Record<string, { schema?: object }> }> };
    const document = (await (await fetch(`${stack.baseUrl}/api/docs/openapi.json`)).json()) as { paths: Record<string, Record<string, Operation>> };
    const review = document.paths['/workflows/{id}/subjects/{subjectId}/reviews/{task}']!.put!;
    expect(Object.keys(review.responses['409']?.content ?? {})).toEqual(['application/problem+json']);
    expect(review.responses['409']?.content?.['application/problem+json']?.schema).toEqual(review.responses.default?.content?.['application/problem+json']?.schema);
  });

  it('documents 429 on the routes a limit applies to, 429 too-many-downloads and 503 exports-busy on the downloads, and 403 email-unverified on those that wait for a verified email', async () => {
    type Operation = { operationId: string; responses: Record<string, { description?: string }> };
    const document = (await (await fetch(`${stack.baseUrl}/api/docs/openapi.json`)).json()) as { paths: Record<string, Record<string, Operation>> };
    const operations = Object.entries(document.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]) => ({ route: `${method.toUpperCase()} ${path}`, operation })));
    const answering = (status: string, pattern = /./) =>
      operations.filter(({ operation }) => pattern.test(operation.responses[status]?.description ?? '')).map(({ route }) => route).sort();
    // A 429 documented on every route, as before, told clients to back off where nothing ever limits them.
    expect(answering('429', /too-many-requests/)).toEqual(
      [
        'POST /auth/register',
        'POST /auth/guest',
        'POST /auth/login',
        'POST /auth/password-reset',
        'POST /account/password',
        'POST /account/email-verification',
        'POST /account/email',
        'DELETE /account',
        'POST /projects/{id}/invitations',
        'POST /subjects/{id}/comments',
        'POST /boards/{id}/discussions',
        'POST /board-discussions/{id}/comments',
        'POST /projects/{id}/news',
        'PATCH /comments/{id}',
      ].sort(),
    );
    // Each of them says how the request stands against its limits, on success and refusal alike; Retry-After on the 429.
    type Headed = { headers?: Record<string, { schema?: { type?: string } }> };
    const headersOf = (route: string, status: string) => {
      const [method, path] = route.split(' ');
      return Object.keys((document.paths[path!]![method!.toLowerCase()]!.responses[status] as Headed | undefined)?.headers ?? {}).sort();
    };
    const limits = ['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset'];
    for (const route of answering('429', /too-many-requests/)) {
      const success = Object.keys(document.paths[route.split(' ')[1]!]![route.split(' ')[0]!.toLowerCase()]!.responses).find((code) => /^2/.test(code))!;
      expect([route, headersOf(route, success)]).toEqual([route, expect.arrayContaining(limits)]);
      expect([route, headersOf(route, '429')]).toEqual([route, [...limits, 'Retry-After'].sort()]);
    }
    expect(headersOf('GET /projects', '200')).not.toContain('RateLimit-Limit');
    // One download per person at a time (with the default EXPORTS_AT_ONCE): a script must know to wait, not retry at
    // once; over its own limit a 429 (no outage), a 503 only when the server's places are all taken.
    const downloads = ['GET /account/classifications.{format}', 'GET /account/comments.{format}', 'GET /projects/{id}/classifications', 'GET /projects/{id}/comments/download', 'GET /projects/{id}/contributors', 'GET /subject-sets/{id}/subjects.csv', 'GET /workflows/{id}/classifications', 'GET /workflows/{id}/consensus', 'GET /workflows/{id}/subject-reports', 'GET /workflows/{id}/transcriptions'];
    expect(answering('429', /too-many-downloads/)).toEqual(downloads);
    expect(answering('503', /exports-busy/)).toEqual(downloads);
    expect(answering('429').sort()).toEqual([...answering('429', /too-many-requests/), ...downloads].sort());
    expect(answering('403', /email-unverified/)).toEqual(
      ['DELETE /account/invitations/{projectId}', 'GET /account/invitations', 'POST /account/invitations/{projectId}', 'POST /projects/{id}/invitations'].sort(),
    );
  });

  it('says what every operation does, in a summary and a description', async () => {
    type Operation = { summary?: string; description?: string };
    const document = (await (await fetch(`${stack.baseUrl}/api/docs/openapi.json`)).json()) as { paths: Record<string, Record<string, Operation>> };
    const operations = Object.entries(document.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]) => ({ route: `${method.toUpperCase()} ${path}`, operation })));
    expect(operations.length).toBeGreaterThan(25);
    const unsaid = operations.filter(({ operation }) => !operation.summary?.trim() || !operation.description?.trim()).map(({ route }) => route);
    expect(unsaid).toEqual([]);
  });

  it('holds no reference it cannot resolve, and names every media type a body may have', async () => {
    const text = await (await fetch(`${stack.baseUrl}/api/docs/openapi.json`)).text();
    const document = JSON.parse(text);
    const refs = [...new Set([...text.matchAll(/"\$ref":"([^"]+)"/g)].map((match) => match[1]!))];
    const resolve = (ref: string) => ref.slice(2).split('/').reduce((node, key) => node?.[key], document);
    expect(refs.filter((ref) => !ref.startsWith('#/') || resolve(ref) === undefined)).toEqual([]);
    expect(text).not.toContain('x-chorus-');
    const upload = document.paths['/subject-sets/{id}/subjects'].post.requestBody.content;
    // Every type the upload reads (bootstrap.ts), and no other.
    expect(Object.keys(upload).sort()).toEqual(['application/json', 'application/ld+json', ...Object.keys(SUBJECT_FILE_TYPES)].sort());
    // A replayed submit's 200 is documented beside the 201, with the same schema.
    const submitted = document.paths['/classifications'].post.responses;
    expect(submitted['200'].content['application/json'].schema).toEqual(submitted['201'].content['application/json'].schema);
    // The retirement rule refers to itself (`any`), so the workflow's body names it as a component.
    expect(JSON.stringify(document.paths['/projects/{id}/workflows'].post.requestBody)).toContain('"#/components/schemas/RetirementRuleInput"');
    expect(JSON.stringify(document.components.schemas.RetirementRuleInput)).toMatch(/"agreement".*"#\/components\/schemas\/RetirementRuleInput"/);
  });

  it('gives its paths relative to the server /api/v1, and groups every operation under a feature tag it describes', async () => {
    type Operation = { tags?: string[] };
    const document = (await (await fetch(`${stack.baseUrl}/api/docs/openapi.json`)).json()) as {
      servers: { url: string }[];
      tags: { name: string; description?: string }[];
      paths: Record<string, Record<string, Operation>>;
    };
    expect(document.servers.map((server) => server.url)).toEqual(['/api/v1']);
    const paths = Object.keys(document.paths);
    expect(paths).toEqual(expect.arrayContaining(['/projects', '/classifications', '/workflows/{id}/consensus']));
    expect(paths.filter((path) => path.startsWith('/api/'))).toEqual([]);
    // A path joined to the server is a route the API serves.
    expect((await fetch(`${stack.baseUrl}${document.servers[0]!.url}/health`)).status).toBe(200);

    const declared = document.tags.map((tag) => tag.name);
    expect(declared).toEqual(expect.arrayContaining(['projects', 'workflows', 'subjects', 'classifications', 'exports', 'account']));
    expect(document.tags.filter((tag) => !tag.description?.trim())).toEqual([]);
    const operations = Object.entries(document.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]) => ({ route: `${method.toUpperCase()} ${path}`, tags: operation.tags ?? [] })));
    // Each operation under one declared tag; and no tag declared that groups nothing.
    expect(operations.filter(({ tags }) => tags.length !== 1 || !declared.includes(tags[0]!)).map(({ route }) => route)).toEqual([]);
    expect(declared.filter((tag) => !operations.some(({ tags }) => tags.includes(tag)))).toEqual([]);
    expect(Object.fromEntries(['POST /projects', 'POST /projects/{id}/workflows', 'POST /projects/{id}/subject-sets', 'POST /classifications', 'GET /workflows/{id}/consensus', 'GET /account'].map((route) => [route, operations.find((operation) => operation.route === route)?.tags]))).toEqual({
      'POST /projects': ['projects'],
      'POST /projects/{id}/workflows': ['workflows'],
      'POST /projects/{id}/subject-sets': ['subjects'],
      'POST /classifications': ['classifications'],
      'GET /workflows/{id}/consensus': ['exports'],
      'GET /account': ['account'],
    });
  });

  it('gives every parameter a schema with a type, the limits of the download token, task and tag among them', async () => {
    type Parameter = { name: string; in: string; required?: boolean; schema?: Record<string, unknown> };
    const document = (await (await fetch(`${stack.baseUrl}/api/docs/openapi.json`)).json()) as { paths: Record<string, Record<string, { parameters?: Parameter[] }>> };
    const parameters = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).flatMap(([method, operation]) => (operation.parameters ?? []).map((parameter) => ({ at: `${method.toUpperCase()} ${path} ${parameter.in} ${parameter.name}`, ...parameter }))),
    );
    expect(parameters.length).toBeGreaterThan(40);
    // A schema of `{}` (anything) says nothing of what to send.
    expect(parameters.filter(({ schema }) => !schema?.type && !schema?.enum && !schema?.$ref && !schema?.anyOf && !schema?.oneOf).map(({ at }) => at)).toEqual([]);
    const schemaOf = (at: string) => parameters.find((parameter) => parameter.at === at)?.schema;
    for (const download of ['/workflows/{id}/consensus', '/workflows/{id}/classifications', '/workflows/{id}/subject-reports', '/projects/{id}/comments/download']) {
      expect(schemaOf(`GET ${download} query token`)).toEqual({ type: 'string', minLength: 1, maxLength: 2000 });
      // since= on each, the comments' too, in the same form.
      expect(schemaOf(`GET ${download} query since`)).toEqual({ oneOf: [{ type: 'string', format: 'date' }, { type: 'string', format: 'date-time' }] });
    }
    expect(schemaOf('GET /workflows/{id}/subjects/{subjectId}/tags query task')).toMatchObject({ type: 'string', pattern: expect.any(String) });
    expect(schemaOf('DELETE /workflows/{id}/hidden-tags query task')).toMatchObject({ type: 'string', pattern: expect.any(String) });
    expect(schemaOf('DELETE /workflows/{id}/hidden-tags query tag')).toMatchObject({ type: 'string', minLength: 1, maxLength: expect.any(Number) });
    // The creations a script may retry (and uploads, the lab's parts of a long table) take an Idempotency-Key, as a submit does (which requires it).
    const keys = parameters.filter(({ in: where, name }) => where === 'header' && name === 'Idempotency-Key').map(({ at, required, schema }) => [at, required, schema]);
    expect(keys.sort()).toEqual(
      [
        ['POST /account/api-keys header Idempotency-Key', false, { type: 'string', minLength: 8, maxLength: 200 }],
        ['POST /board-discussions/{id}/comments header Idempotency-Key', false, { type: 'string', minLength: 8, maxLength: 200 }],
        ['POST /boards/{id}/discussions header Idempotency-Key', false, { type: 'string', minLength: 8, maxLength: 200 }],
        ['POST /classifications header Idempotency-Key', true, { type: 'string', minLength: 8, maxLength: 200 }],
        ['POST /collections header Idempotency-Key', false, { type: 'string', minLength: 8, maxLength: 200 }],
        ['POST /projects header Idempotency-Key', false, { type: 'string', minLength: 8, maxLength: 200 }],
        ['POST /projects/{id}/boards header Idempotency-Key', false, { type: 'string', minLength: 8, maxLength: 200 }],
        ['POST /projects/{id}/news header Idempotency-Key', false, { type: 'string', minLength: 8, maxLength: 200 }],
        ['POST /projects/{id}/subject-sets header Idempotency-Key', false, { type: 'string', minLength: 8, maxLength: 200 }],
        ['POST /projects/{id}/webhooks header Idempotency-Key', false, { type: 'string', minLength: 8, maxLength: 200 }],
        ['POST /projects/{id}/workflows header Idempotency-Key', false, { type: 'string', minLength: 8, maxLength: 200 }],
        ['POST /subject-sets/{id}/subjects header Idempotency-Key', false, { type: 'string', minLength: 8, maxLength: 200 }],
        ['POST /subjects/{id}/comments header Idempotency-Key', false, { type: 'string', minLength: 8, maxLength: 200 }],
        ['POST /webhooks/{id}/secret header Idempotency-Key', false, { type: 'string', minLength: 8, maxLength: 200 }],
        ['POST /workflows/{id}/copies header Idempotency-Key', false, { type: 'string', minLength: 8, maxLength: 200 }],
      ].sort(),
    );
  });
});
