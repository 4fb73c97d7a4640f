import { randomUUID } from 'node:crypto';
import { MARKDOWN_LENGTH } from '@chorus/client';
import { newAccount, newMember, type TestAccount } from '../../../test/support/accounts';
import type { ReceivedMail } from '../../../test/support/inbox';
import { type Stack, startStack } from '../../../test/support/stack';
import { committedMeanwhile, until } from '../../../test/support/waiting';
import { mailStop, refusal } from '../../../test/support/requests';

/**
 * A project's news: its researchers post, edit and delete items, which anyone who may see the project reads; volunteers
 * ask for the news by mail (off by default), and an item posted with `mail` records its recipients in the post's own
 * transaction, each mailed later, in their language, with a one-click unsubscription, if they still want it; a project mails
 * at most once a day, and a replay of the post neither posts nor mails again. Its About pages (research, team, results,
 * education, faq), Markdown its owner and collaborators write, are read as its news is.
 */
let stack: Stack;

const live = async (title: string) => (await stack.client.createProject({ title: `${title} ${randomUUID().slice(0, 8)}`, status: 'live' })).id;
const raw = (method: string, path: string, token?: string, body?: unknown, headers: Record<string, string> = {}) =>
  fetch(`${stack.baseUrl}/api/v1${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
const outboxTo = async (email: string) => Number((await stack.db.query('SELECT count(*) FROM mail_outbox WHERE "to" = $1', [email])).rows[0].count);
const newsMailsTo = (email: string) => stack.inbox.mails.filter((mail) => mail.to === email && /List-Unsubscribe/i.test(Object.keys(mail.headers).join(' ')));
/** A header as sent, unfolded. */
const headerOf = (mail: ReceivedMail, name: string) => mail.headers[name.toLowerCase()]?.replace(/\r?\n[ \t]+/g, '');

beforeAll(async () => {
  stack = await startStack({ worker: false });
});
afterAll(() => stack.stop());

describe('a project’s news', () => {
  it('is posted by its researchers and read by anyone who may see the project, newest first, a page at a time', async () => {
    const projectId = await live('Letters');
    const first = await stack.client.postNews(projectId, { title: '  200 new letters  ', body: 'From **1871**.' });
    expect(first).toMatchObject({ projectId, title: '200 new letters', body: 'From **1871**.', mailedAt: null, mailedTo: null, editedAt: null, replayed: false });
    expect(first.author.displayName).toBeTruthy();
    const second = await stack.client.postNews(projectId, { title: 'Results', body: 'We found them.' });
    const third = await stack.client.postNews(projectId, { title: 'Thanks', body: 'Thank you all.' });

    const page = await stack.anonymous.projectNews(projectId, { limit: 2 });
    expect(page.news.map((item) => item.id)).toEqual([third.id, second.id]);
    expect(page.next).not.toBeNull();
    const rest = await stack.anonymous.projectNews(projectId, { limit: 2, after: page.next! });
    expect([rest.news.map((item) => item.id), rest.next]).toEqual([[first.id], null]);
    expect(await stack.anonymous.newsItem(projectId, first.id)).toMatchObject({ id: first.id, title: '200 new letters' });
    // How many it was mailed to is the researchers' to know: others' answers leave mailedAt and mailedTo out.
    const volunteer = await newAccount(stack, 'Reader');
    for (const answer of [await stack.anonymous.newsItem(projectId, first.id), (await volunteer.client.projectNews(projectId)).news[0]!]) {
      expect(Object.keys(answer)).not.toContain('mailedTo');
      expect(Object.keys(answer)).not.toContain('mailedAt');
    }
    expect((await stack.client.newsItem(projectId, first.id)).mailedTo).toBeNull();
  });

  it('is written by researchers only: 401 without a token, 403 for a volunteer or a moderator, 404 to others in a draft', async () => {
    const projectId = await live('Roles');
    expect((await raw('POST', `/projects/${projectId}/news`, undefined, { title: 'T', body: 'B' })).status).toBe(401);
    const volunteer = await newAccount(stack, 'Vera');
    await refusal(volunteer.client.postNews(projectId, { title: 'T', body: 'B' }), { status: 403 });
    const moderator = await newMember(stack, projectId, 'moderator', 'Mo');
    await refusal(moderator.client.postNews(projectId, { title: 'T', body: 'B' }), { status: 403 });
    const scientist = await newMember(stack, projectId, 'scientist', 'Sci');
    const posted = await scientist.client.postNews(projectId, { title: 'By a scientist', body: 'B' });
    await refusal(volunteer.client.editNews(projectId, posted.id, { title: 'Mine now' }), { status: 403 });
    await refusal(volunteer.client.deleteNews(projectId, posted.id), { status: 403 });
    expect((await stack.anonymous.projectNews(projectId)).news).toHaveLength(1);

    const draft = (await stack.client.createProject({ title: `Draft ${randomUUID().slice(0, 8)}` })).id;
    const hidden = await stack.client.postNews(draft, { title: 'Not yet', body: 'Soon.' });
    await refusal(stack.anonymous.projectNews(draft), { status: 404 });
    await refusal(volunteer.client.newsItem(draft, hidden.id), { status: 404 });
    await refusal(volunteer.client.postNews(draft, { title: 'T', body: 'B' }), { status: 404 });
    await refusal(volunteer.client.setNewsSubscription(draft, true), { status: 404 });
    expect((await stack.client.projectNews(draft)).news.map((item) => item.id)).toEqual([hidden.id]);
    // An item of another project is not this one's.
    await refusal(stack.client.newsItem(projectId, hidden.id), { status: 404 });
  });

  it('refuses bad input as a problem naming the field, and changes nothing', async () => {
    const projectId = await live('Bad input');
    const token = stack.client.token!;
    const refused = async (method: string, path: string, body: unknown) => {
      const answer = await raw(method, path, token, body);
      expect([answer.status, answer.headers.get('content-type')]).toEqual([422, expect.stringContaining('application/problem+json')]);
      return ((await answer.json()) as { errors: { pointer: string }[] }).errors.map((error) => error.pointer);
    };
    expect(await refused('POST', `/projects/${projectId}/news`, { title: 'Two\nlines', body: 'B' })).toEqual(['/title']);
    expect(await refused('POST', `/projects/${projectId}/news`, { title: 'x'.repeat(201), body: 'B' })).toEqual(['/title']);
    expect(await refused('POST', `/projects/${projectId}/news`, { title: 'T', body: 'x'.repeat(20_001) })).toEqual(['/body']);
    expect(await refused('POST', `/projects/${projectId}/news`, { title: 'T', body: '  ' })).toEqual(['/body']);
    expect(await refused('POST', `/projects/${projectId}/news`, { title: 'T', body: 'B', mail: 'yes' })).toEqual(['/mail']);
    const posted = await stack.client.postNews(projectId, { title: 'T', body: 'B' });
    expect(await refused('PATCH', `/projects/${projectId}/news/${posted.id}`, { title: 'T2', mail: true })).toEqual(['/mail']);
    expect(await refused('PATCH', `/projects/${projectId}/news/${posted.id}`, {})).toEqual(['']);
    expect((await stack.client.projectNews(projectId)).news).toEqual([expect.objectContaining({ id: posted.id, title: 'T', editedAt: null })]);
  });

  it('is edited (never mailed again) and deleted by its researchers', async () => {
    const projectId = await live('Edits');
    const subscriber = await newAccount(stack, 'Sub');
    await subscriber.client.setNewsSubscription(projectId, true);
    const posted = await stack.client.postNews(projectId, { title: 'Typo', body: 'B', mail: true });
    expect(posted.mailedTo).toBe(1);
    await stack.inbox.take(subscriber.email, /Typo/);
    const edited = await stack.client.editNews(projectId, posted.id, { title: 'Fixed' });
    expect(edited).toMatchObject({ title: 'Fixed', body: 'B', mailedAt: posted.mailedAt, mailedTo: 1 });
    expect(edited.editedAt).not.toBeNull();
    expect(await outboxTo(subscriber.email)).toBe(0);
    await stack.client.deleteNews(projectId, posted.id);
    await refusal(stack.client.newsItem(projectId, posted.id), { status: 404 });
    await refusal(stack.client.deleteNews(projectId, posted.id), { status: 404 });
    expect(newsMailsTo(subscriber.email)).toHaveLength(1);
  });
});

describe('a project’s About pages', () => {
  it('are written by its owner and collaborators, and read with content only, in a fixed order and the project’s language, by anyone who may see it, paused or finished too', async () => {
    const { id: projectId } = await stack.client.createProject({ title: `About ${randomUUID().slice(0, 8)}`, status: 'live', language: 'fr' });
    expect(await stack.anonymous.aboutPages(projectId)).toEqual({ projectId, language: 'fr', pages: [] });
    await stack.client.setAboutPage(projectId, 'faq', '## Pourquoi ?\n\nParce que.');
    await stack.client.setAboutPage(projectId, 'team', 'Nous sommes *trois*.');
    const collaborator = await newMember(stack, projectId, 'collaborator', 'Collab');
    const answered = await collaborator.client.setAboutPage(projectId, 'research', 'Des lettres de 1871.');
    expect(answered.pages.map((page) => page.kind)).toEqual(['research', 'team', 'faq']);
    const read = await stack.anonymous.aboutPages(projectId);
    expect(read).toEqual(answered);
    // The project's own view names the pages with content (for its page's link to them), the list does not.
    expect((await stack.anonymous.getProject(projectId)).aboutPages).toEqual(['research', 'team', 'faq']);
    expect((await stack.client.listProjects({ member: true })).projects.find((project) => project.id === projectId)).not.toHaveProperty('aboutPages');
    expect(read.pages[2]).toEqual({ kind: 'faq', content: '## Pourquoi ?\n\nParce que.', updatedAt: expect.any(String) });

    // Written again, it changes; emptied (or only spaces), it is no page.
    await stack.client.setAboutPage(projectId, 'team', 'Nous sommes *quatre*.');
    expect((await stack.client.setAboutPage(projectId, 'research', '  \n ')).pages.map((page) => [page.kind, page.content])).toEqual([
      ['team', 'Nous sommes *quatre*.'],
      ['faq', '## Pourquoi ?\n\nParce que.'],
    ]);
    expect((await stack.client.setAboutPage(projectId, 'research', '')).pages).toHaveLength(2);
    expect((await stack.anonymous.getProject(projectId)).aboutPages).toEqual(['team', 'faq']);

    for (const status of ['paused', 'finished'] as const) {
      await stack.client.updateProject(projectId, { status });
      expect((await stack.anonymous.aboutPages(projectId)).pages.map((page) => page.kind)).toEqual(['team', 'faq']);
    }
    const draft = (await stack.client.createProject({ title: `Draft ${randomUUID().slice(0, 8)}` })).id;
    await stack.client.setAboutPage(draft, 'research', 'Not yet.');
    await refusal(stack.anonymous.aboutPages(draft), { status: 404 });
    expect((await stack.client.aboutPages(draft)).pages).toHaveLength(1);

    // Taken down by the operators, a project's pages are its members' only, as a draft's.
    await stack.db.query("UPDATE projects SET taken_down_at = now(), taken_down_reason = 'Spam' WHERE id = $1", [projectId]);
    await refusal(stack.anonymous.aboutPages(projectId), { status: 404 });
    await refusal((await newAccount(stack, 'Outsider')).client.aboutPages(projectId), { status: 404 });
    expect((await collaborator.client.aboutPages(projectId)).pages.map((page) => page.kind)).toEqual(['team', 'faq']);
  });

  it('are written by its owner and collaborators only; an unknown page is 404 naming the pages, bad content 422 naming /content; nothing changes', async () => {
    const projectId = await live('About roles');
    await stack.client.setAboutPage(projectId, 'results', 'Found.');
    expect((await raw('PUT', `/projects/${projectId}/pages/results`, undefined, { content: 'Mine' })).status).toBe(401);
    await refusal((await newAccount(stack, 'Vera')).client.setAboutPage(projectId, 'results', 'Mine'), { status: 403 });
    for (const role of ['scientist', 'moderator', 'reviewer'] as const) {
      await refusal((await newMember(stack, projectId, role, role)).client.setAboutPage(projectId, 'results', 'Mine'), { status: 403 });
    }
    const draft = (await stack.client.createProject({ title: `Draft ${randomUUID().slice(0, 8)}` })).id;
    await refusal((await newAccount(stack, 'Wanda')).client.setAboutPage(draft, 'results', 'Mine'), { status: 404 });
    expect((await stack.client.aboutPages(draft)).pages).toEqual([]);
    const unknown = await refusal(stack.client.setAboutPage(projectId, 'about' as 'faq', 'Text'), { status: 404, pointers: ['/params/kind'] });
    expect(unknown.problem.detail).toContain('research, team, results, education, faq');
    const token = stack.client.token!;
    for (const body of [{ content: 'x'.repeat(MARKDOWN_LENGTH + 1) }, {}, { content: 7 }, { content: 'Text', kind: 'faq' }]) {
      const answer = await raw('PUT', `/projects/${projectId}/pages/education`, token, body);
      expect(answer.status).toBe(422);
      expect(((await answer.json()) as { errors: { pointer: string }[] }).errors.map((error) => error.pointer)).toEqual([body.content === 'Text' ? '/kind' : '/content']);
    }
    expect((await stack.anonymous.aboutPages(projectId)).pages.map((page) => [page.kind, page.content])).toEqual([['results', 'Found.']]);
    expect((await stack.client.setAboutPage(projectId, 'education', 'x'.repeat(MARKDOWN_LENGTH))).pages.map((page) => page.kind)).toEqual(['results', 'education']);
    expect((await stack.anonymous.aboutPages(projectId)).pages.find((page) => page.kind === 'results')?.content).toBe('Found.');
  });
});

describe('getting a project’s news by mail', () => {
  let projectId: string;
  let english: TestAccount;
  let french: TestAccount;
  let german: TestAccount;
  let unverified: TestAccount;
  let notSubscribed: TestAccount;

  beforeAll(async () => {
    projectId = await live('Mailed news');
    [english, french, german, notSubscribed] = [await newAccount(stack, 'Eve'), await newAccount(stack, 'Fanny'), await newAccount(stack, 'Greta'), await newAccount(stack, 'Nina')];
    unverified = await newAccount(stack, 'Una', { verified: false });
    await french.client.changeAccount({ language: 'fr' });
    await german.client.changeAccount({ language: 'de' });
  });

  it('is off until a signed-in volunteer asks for it; a guest cannot; without a verified email it says so', async () => {
    expect(await english.client.newsSubscription(projectId)).toEqual({ projectId, subscribed: false, emailVerified: true });
    for (const account of [english, french, german]) expect(await account.client.setNewsSubscription(projectId, true)).toEqual({ projectId, subscribed: true, emailVerified: true });
    expect(await english.client.setNewsSubscription(projectId, true)).toMatchObject({ subscribed: true });
    expect(await unverified.client.setNewsSubscription(projectId, true)).toEqual({ projectId, subscribed: true, emailVerified: false });
    const guest = stack.anonymous.withToken((await stack.anonymous.guest()).token);
    await refusal(guest.setNewsSubscription(projectId, true), { status: 403 });
    expect((await raw('GET', `/projects/${projectId}/news-subscription`)).status).toBe(401);
    expect(await stack.client.newsSubscribers(projectId)).toEqual({ projectId, subscribers: 3, mayMailAt: null });
    await refusal(english.client.newsSubscribers(projectId), { status: 403 });
  });

  it('keeps one mail per subscribed verified account, in its language, with one-click unsubscription; a replay posts and mails nothing more', async () => {
    const key = randomUUID();
    const input = { title: 'Volume 2 is here', body: 'We added **300 letters**.\n\n- from 1872', mail: true };
    const posted = await stack.client.postNews(projectId, input, key);
    expect(posted).toMatchObject({ mailedTo: 3, replayed: false });
    expect(posted.mailedAt).not.toBeNull();

    const [inEnglish, inFrench, inGerman] = [await stack.inbox.take(english.email), await stack.inbox.take(french.email), await stack.inbox.take(german.email)];
    expect(inEnglish.subject).toMatch(/^Mailed news .*: Volume 2 is here$/);
    expect(inEnglish.text).toContain('News from the project');
    expect(inFrench.text).toContain('Des nouvelles du projet');
    expect(inGerman.text).toContain('Neuigkeiten vom Projekt');
    for (const mail of [inEnglish, inFrench, inGerman]) {
      expect(mail.text).toContain('We added **300 letters**.\n\n- from 1872');
      expect(mail.text).toContain(`/projects/`);
      expect(mail.text).toMatch(/\/unsubscribe#token=/);
      expect(headerOf(mail, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
      expect(headerOf(mail, 'List-Unsubscribe')).toMatch(/^<http.*\/api\/v1\/unsubscriptions\?token=[\w.-]+>$/);
    }

    const replay = await stack.client.postNews(projectId, input, key);
    expect(replay).toMatchObject({ id: posted.id, mailedTo: 3, replayed: true });
    expect((await stack.client.projectNews(projectId)).news.map((item) => item.id)).toEqual([posted.id]);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    for (const account of [english, french, german]) expect([account.email, newsMailsTo(account.email).length, await outboxTo(account.email)]).toEqual([account.email, 1, 0]);
    for (const account of [unverified, notSubscribed]) expect([account.email, newsMailsTo(account.email).length, await outboxTo(account.email)]).toEqual([account.email, 0, 0]);
  });

  it('mails at most once a day: sooner, 429 with Retry-After and nothing posted or mailed; without mail it is posted', async () => {
    const before = (await stack.client.projectNews(projectId)).news.length;
    const answer = await raw('POST', `/projects/${projectId}/news`, stack.client.token, { title: 'Again', body: 'B', mail: true });
    expect(answer.status).toBe(429);
    expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(23 * 3600);
    // The lab is told when it may mail again.
    const { mayMailAt } = await stack.client.newsSubscribers(projectId);
    expect(new Date(mayMailAt!).getTime() - Date.now()).toBeGreaterThan(23 * 3600_000);
    expect(((await answer.json()) as { detail: string }).detail).toMatch(/without mail/);
    expect((await stack.client.projectNews(projectId)).news).toHaveLength(before);
    expect(await outboxTo(english.email)).toBe(0);
    expect((await stack.client.postNews(projectId, { title: 'Again', body: 'B' })).mailedTo).toBeNull();
    // Another project mails on its own count.
    const other = await live('Other');
    await english.client.setNewsSubscription(other, true);
    expect((await stack.client.postNews(other, { title: 'Hello', body: 'B', mail: true })).mailedTo).toBe(1);
  });

  it('ends by the mail’s link, signed out, in one click (the mail client’s POST too), and again says the same; a bad token is refused', async () => {
    const token = stack.inbox.linkToken(newsMailsTo(french.email)[0]!);
    expect(await stack.anonymous.stopMails(token)).toEqual({ mails: 'news', project: expect.objectContaining({ id: projectId }) });
    expect(await french.client.newsSubscription(projectId)).toMatchObject({ subscribed: false });
    expect(await stack.anonymous.stopMails(token)).toMatchObject({ mails: 'news' });

    const header = headerOf(newsMailsTo(german.email)[0]!, 'List-Unsubscribe')!;
    const oneClick = new URL(header.slice(1, -1));
    const answer = await fetch(`${stack.baseUrl}${oneClick.pathname}${oneClick.search}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(answer.status).toBe(200);
    expect(await german.client.newsSubscription(projectId)).toMatchObject({ subscribed: false });
    // Some mail clients post the one-click form as multipart: any body is accepted there, and not read.
    await german.client.setNewsSubscription(projectId, true);
    const multipart = new FormData();
    multipart.set('List-Unsubscribe', 'One-Click');
    const asMultipart = await fetch(`${stack.baseUrl}${oneClick.pathname}${oneClick.search}`, { method: 'POST', body: multipart });
    expect(asMultipart.status).toBe(200);
    expect(await german.client.newsSubscription(projectId)).toMatchObject({ subscribed: false });
    // The unsubscription page sends the token in a JSON body (kept out of proxies' logs of addresses).
    await german.client.setNewsSubscription(projectId, true);
    const inBody = await raw('POST', '/unsubscriptions', undefined, { token: oneClick.searchParams.get('token') });
    expect(inBody.status).toBe(200);
    expect(await german.client.newsSubscription(projectId)).toMatchObject({ subscribed: false });
    // The address news mails sent before the one stop name in their List-Unsubscribe header: the same.
    await german.client.setNewsSubscription(projectId, true);
    expect(await mailStop(stack, newsMailsTo(german.email)[0]!).clickAt('/news-unsubscriptions')).toMatchObject({ status: 200, body: { mails: 'news', project: { id: projectId } } });
    expect(await german.client.newsSubscription(projectId)).toMatchObject({ subscribed: false });
    expect(((await (await raw('POST', '/unsubscriptions', undefined, {})).json()) as { errors: { pointer: string }[] }).errors.map((error) => error.pointer)).toEqual(['/token']);
    expect(await english.client.newsSubscription(projectId)).toMatchObject({ subscribed: true });

    const bad = await raw('POST', `/unsubscriptions?token=${token.slice(0, -2)}xx`);
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { errors: { pointer: string }[] }).errors.map((error) => error.pointer)).toEqual(['/query/token']);
    // A form elsewhere is still refused.
    expect((await fetch(`${stack.baseUrl}/api/v1/projects`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${stack.client.token}` }, body: 'a=b' })).status).toBe(415);
  });

  it('goes with the account when it is deleted, with its news and discussion mails not yet sent', async () => {
    const leaving = await newAccount(stack, 'Leo');
    await leaving.client.setNewsSubscription(projectId, true);
    // Held back (a mail server putting them off): the address may be anyone's once the account is gone.
    await stack.db.query(
      `INSERT INTO mail_outbox (kind, "to", subject, text, next_attempt_at, user_id)
       SELECT kind, $1, 'Held', 'Held', now() + interval '1 hour', $2::uuid FROM unnest(ARRAY['news', 'discussion']) kind
       UNION ALL SELECT 'news', $1, 'Unnamed', 'Held', now() + interval '1 hour', NULL`,
      [leaving.email, leaving.id],
    );
    await leaving.client.deleteAccount('a long enough password');
    expect(Number((await stack.db.query('SELECT count(*) FROM news_subscriptions WHERE user_id = $1', [leaving.id])).rows[0].count)).toBe(0);
    expect(await outboxTo(leaving.email)).toBe(0);
  });
});

describe('a news mailing', () => {
  /** Holds the news mails' writer back (as a busy outbox would) while the test changes who should get them. */
  const holdingMailsBack = async (during: () => Promise<void>) => {
    await stack.db.query("SELECT pg_advisory_lock(hashtext('news deliveries'))");
    try {
      await during();
    } finally {
      await stack.db.query("SELECT pg_advisory_unlock(hashtext('news deliveries'))");
    }
  };
  const joins = async (projectId: string, account: TestAccount) => {
    await stack.client.invite(projectId, { email: account.email, role: 'collaborator' });
    await account.client.acceptInvitation(projectId);
  };
  const recipientsLeft = async (newsId: string) => Number((await stack.db.query('SELECT count(*) FROM news_deliveries WHERE news_id = $1', [newsId])).rows[0].count);
  const allWritten = async (newsId: string) => {
    for (let tries = 0; (await recipientsLeft(newsId)) > 0; tries += 1) {
      if (tries > 100) throw new Error('news mails never written');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await new Promise((resolve) => setTimeout(resolve, 1500));
  };

  it('records only its recipients as it is posted; who unsubscribes, leaves, loses access or whose item is deleted meanwhile gets nothing', async () => {
    const projectId = await live('Held back');
    const [stays, quits, leaves, takenOff, member, removed] = [
      await newAccount(stack, 'Stan'),
      await newAccount(stack, 'Quinn'),
      await newAccount(stack, 'Lea'),
      await newAccount(stack, 'Tom'),
      await newAccount(stack, 'Meg'),
      await newAccount(stack, 'Rémi'),
    ];
    for (const account of [stays, quits, leaves, takenOff]) await account.client.setNewsSubscription(projectId, true);
    const draft = (await stack.client.createProject({ title: `Private ${randomUUID().slice(0, 8)}` })).id;
    for (const account of [member, removed, takenOff]) {
      await joins(draft, account);
      await account.client.setNewsSubscription(draft, true);
    }
    let posted = { id: '' };
    let deleted = { id: '' };
    let inDraft = { id: '' };
    await holdingMailsBack(async () => {
      posted = await stack.client.postNews(projectId, { title: 'Held news', body: 'B', mail: true });
      expect(posted).toMatchObject({ mailedTo: 4 });
      expect(await recipientsLeft(posted.id)).toBe(4);
      expect(Number((await stack.db.query("SELECT count(*) FROM mail_outbox WHERE kind = 'news'")).rows[0].count)).toBe(0);
      await quits.client.setNewsSubscription(projectId, false);
      await leaves.client.deleteAccount('a long enough password');
      await stack.db.query('UPDATE projects SET taken_down_at = now() WHERE id = $1', [projectId]);

      inDraft = await stack.client.postNews(draft, { title: 'Draft news', body: 'B', mail: true });
      expect(inDraft).toMatchObject({ mailedTo: 3 });
      await stack.client.removeMember(draft, removed.id);

      const other = await live('Deleted news');
      await stays.client.setNewsSubscription(other, true);
      deleted = await stack.client.postNews(other, { title: 'Gone news', body: 'B', mail: true });
      await stack.client.deleteNews(other, deleted.id);
    });
    await allWritten(inDraft.id);
    await allWritten(posted.id);
    expect(newsMailsTo(member.email).map((mail) => mail.subject)).toEqual([expect.stringContaining('Draft news')]);
    expect(newsMailsTo(takenOff.email).map((mail) => mail.subject)).toEqual([expect.stringContaining('Draft news')]);
    for (const account of [stays, quits, leaves, removed]) expect([account.email, newsMailsTo(account.email)]).toEqual([account.email, []]);
  });

  it('goes to the address an email change commits while its batch is being written, never the old one', async () => {
    const projectId = await live('Moving reader');
    const reader = await newAccount(stack, 'Max');
    await reader.client.setNewsSubscription(projectId, true);
    const moved = `moved-${randomUUID().slice(0, 8)}@example.org`;
    await stack.db.query("SELECT pg_advisory_lock(hashtext('news deliveries'))");
    let posted = { id: '' };
    try {
      posted = await stack.client.postNews(projectId, { title: 'Moving news', body: 'B', mail: true });
    } finally {
      // The change (as the verifying transaction makes it) holds the reader's row while the batch is written.
      await committedMeanwhile(stack.config.databaseUrl, 'UPDATE users SET email = $2, email_changed_at = now() WHERE id = $1', [reader.id, moved], async () => {
        await stack.db.query("SELECT pg_advisory_unlock(hashtext('news deliveries'))");
        await until(async () => (await recipientsLeft(posted.id)) === 0, 'the batch written', 10_000);
      });
    }
    await stack.inbox.take(moved, /Moving news/);
    expect(newsMailsTo(reader.email)).toEqual([]);
  });

  it('leaves out who may no longer see the project as it is posted', async () => {
    const draft = (await stack.client.createProject({ title: `Private ${randomUUID().slice(0, 8)}` })).id;
    const [member, removed] = [await newAccount(stack, 'Mia'), await newAccount(stack, 'Rob')];
    for (const account of [member, removed]) {
      await joins(draft, account);
      await account.client.setNewsSubscription(draft, true);
    }
    await stack.client.removeMember(draft, removed.id);
    expect((await stack.client.newsSubscribers(draft)).subscribers).toBe(1);
    const posted = await stack.client.postNews(draft, { title: 'Members only', body: 'B', mail: true });
    expect(posted.mailedTo).toBe(1);
    await allWritten(posted.id);
    expect(newsMailsTo(member.email)).toHaveLength(1);
    expect(newsMailsTo(removed.email)).toHaveLength(0);
  });

  it('starts the day without news mail only when someone is mailed, and deleting the item does not end it', async () => {
    const projectId = await live('Once a day');
    expect((await stack.client.postNews(projectId, { title: 'To no one', body: 'B', mail: true })).mailedTo).toBe(0);
    const reader = await newAccount(stack, 'Ruth');
    await reader.client.setNewsSubscription(projectId, true);
    const mailed = await stack.client.postNews(projectId, { title: 'To Ruth', body: 'B', mail: true });
    expect(mailed.mailedTo).toBe(1);
    await stack.client.deleteNews(projectId, mailed.id);
    expect((await raw('POST', `/projects/${projectId}/news`, stack.client.token, { title: 'Again', body: 'B', mail: true })).status).toBe(429);
  });

  it('never holds up an account’s own mails: a password reset asked after the news goes before the news not yet sent', async () => {
    const projectId = await live('Busy outbox');
    const readers = [];
    for (let i = 0; i < 12; i += 1) readers.push(await newAccount(stack, `Reader ${i}`));
    for (const reader of readers) await reader.client.setNewsSubscription(projectId, true);
    const resetting = await newAccount(stack, 'Forgetful');
    await stack.inbox.takeVerification(resetting.email).catch(() => undefined);
    // Its sign-up's link was mailed just now: a reset may be asked for a minute later.
    await stack.db.query("UPDATE users SET link_mailed_at = now() - interval '61 seconds' WHERE id = $1", [resetting.id]);
    stack.inbox.answerAfter(300);
    try {
      const sentBefore = stack.inbox.mails.length;
      await holdingMailsBack(async () => {
        await stack.client.postNews(projectId, { title: 'Busy news', body: 'B', mail: true });
      });
      for (let tries = 0; Number((await stack.db.query("SELECT count(*) FROM mail_outbox WHERE kind = 'news'")).rows[0].count) === 0; tries += 1) {
        if (tries > 100) throw new Error('news mails never written');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await stack.anonymous.requestPasswordReset(resetting.email);
      await stack.inbox.take(resetting.email);
      await Promise.all(readers.map((reader) => stack.inbox.take(reader.email, /Busy news/)));
      const order = stack.inbox.mails.slice(sentBefore).map((mail) => mail.to);
      expect(order.indexOf(resetting.email)).toBeLessThan(order.length - 1 - 5);
    } finally {
      stack.inbox.answerAfter(0);
    }
  });
});
