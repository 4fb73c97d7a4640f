import type {
  AccountView, AccountWorkflow, ApiKeyList, ChoosableSets, NeighbourPages, NewApiKey, ClassificationInput, Contribution, ContributorList, ContributorSummary, ClassificationStored, DownloadLink, Favourite, FavouritePage, HoldsReleased, HoldsRenewed, InvitationView, MemberView, OwnInvitation, OwnClassificationList, OwnCommentPage, PrioritiesSet, Problem, ProjectChanges, ProjectInput, ProjectPage, ProjectRole, ProjectSummary, ProjectTakeDown, ProjectView, PublishedResult, QueueView, ProposedTag, HiddenTag, HiddenTagInput, TagProposalPage, ReaggregationRun, Session, SignIn, SubjectInput, SubjectPage, SubjectSetDeleted, SubjectSetSummary, SubjectSetView, SubjectsAdded, SubjectCorrected, SubjectCorrectionInput, SubjectImagesDescribed, LocationChangePage, LocationReplacement, SubmitResult, ReaggregationRecord, RetireInput, RetirementInput, SubjectPriority, SubjectsRetired, SubjectsUnretired, SubjectReport, SubjectReportInput, ReportedSubjectPage, CommentReport, CommentReportInput, ReportedCommentPage, CommentBanPage, SubjectComment, ProjectCommentPage, SubjectDiscussion, NotificationPage, SubjectResultDetail, SubjectResultPage, SubjectResultOrder, SubjectResultStatus, VerifiedEmail, WorkflowInput, WorkflowSaved, WorkflowCopy, WorkflowCopyInput, WorkflowSkills, WorkflowStats, ProjectActivity, ActivityQuery, OwnActivity, OwnActivityQuery, WorkflowHoldsEnded, WorkflowVersionList, WorkflowVersionView, WorkflowView, ConsensusReview, MediaFailure, MediaFailureInput, WorkflowMediaFailures, ExcludedVolunteer, ExcludedVolunteerList, ProjectNews, ProjectNewsPage, NewsSubscription, NewsSubscribers, MailsStopped, DiscussionFollow, CommentBanMade, ProjectLanguages, ProjectListFilters, PublishedResultList, PublishedText, ReadableSets, Collection, CollectionPage, CollectedSubjectPage, CollectionInput, NewWebhook, WebhookDelivery, WebhookDeliveryPage, WebhookList, WebhookView, AboutPageKind, AboutPages, VolunteerProfile, Board, BoardList, BoardDiscussionPage, BoardDiscussionStarted, BoardDiscussion,
} from './types';
import type { Display } from './display';
import type { Language } from './languages';
import { type ServerClock, serverClock } from './server-clock';
import type { ApiKeyScope, ReportedSubjectStatus, ReportsDismissed, WebhookEventName } from './views';

/** The formats every download is written in (the API's and the lab's one list). */
export const EXPORT_FORMATS = ['csv', 'json', 'ndjson'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
/** The downloads of a workflow: a row per subject (`consensus`), per classification, or per volunteer's report of a subject. */
export const EXPORT_KINDS = ['consensus', 'classifications', 'subject-reports'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];
/** The forms of the transcriptions download: plain text, a IIIF Presentation 3 AnnotationPage, or a TEI P5 document (the API's and the lab's one list). */
export const TRANSCRIPTION_FORMATS = ['text', 'iiif', 'tei'] as const;
export type TranscriptionFormat = (typeof TRANSCRIPTION_FORMATS)[number];
/**
 * How a query parameter names a subject's metadata field: `metadata.letter=2` passes the subjects whose `letter` is 2
 * (as text), or a list that holds it, `sort=metadata.page` sorts by their `page` in natural order.
 */
export const METADATA_PARAMETER = 'metadata.';
/**
 * The orders of the consensus and raw classifications downloads' rows: subject id (the default), or the researchers'
 * externalIds in natural order (`p9` before `p10`).
 */
export const DOWNLOAD_SORTS = ['id', 'externalId'] as const;
export type DownloadSort = (typeof DOWNLOAD_SORTS)[number];
/** How a download gives the subjects' metadata: one JSON cell (the default), or a `metadata.<key>` column per key. */
export const DOWNLOAD_METADATA = ['json', 'columns'] as const;
export type DownloadMetadata = (typeof DOWNLOAD_METADATA)[number];

/** What the consensus and raw classifications downloads hold and how they are written; every field may be left out. */
export interface DownloadOptions {
  /** How the rows are written: `json` (the default), `ndjson` or `csv`. */
  format?: ExportFormat;
  /** An ISO 8601 moment: only the rows changed (consensus) or stored (classifications) at or after it. */
  since?: string;
  /** The rows' order: subject id (the default), or the subjects' externalIds in natural order. */
  sort?: DownloadSort;
  /** The subjects' metadata as one JSON cell (the default), or a `metadata.<key>` column per key. */
  metadata?: DownloadMetadata;
  /** Only the rows of this subject set's subjects. */
  subjectSetId?: string;
}
/** What a project's raw classifications download holds and how it is written: the workflow download's, and where to resume. */
export interface ProjectClassificationsOptions extends Pick<DownloadOptions, 'format' | 'since' | 'metadata'> {
  /** `<workflow_id>,<subject_id>,<user_id>` of the last row an interrupted download gave: only the rows after its place. */
  after?: string;
}
/** Which transcription task's consensus the transcriptions download gives, and how. */
export interface TranscriptionsOptions {
  /** The transcription task's key, such as `T0`. */
  task: string;
  /** `text` (the default), `iiif` or `tei`. */
  format?: TranscriptionFormat;
  /** Only the pages of this subject set, in its order. */
  subjectSetId?: string;
}
/** Which download a link made by `downloadLink` opens. */
export interface DownloadLinkOptions {
  /** The download: `consensus`, `classifications` or `subject-reports`. */
  kind: ExportKind;
  /** How it is written (the download's own default without one); the link's query may still name another. */
  format?: ExportFormat;
  /** Only the rows of this subject set's subjects (not for `subject-reports`). */
  subjectSetId?: string;
}

export class ChorusApiError extends Error {
  /**
   * `retryAfterSeconds`: when the server asked to be asked again (`Retry-After`, in seconds or as a date);
   * `contentType`: the answer's media type (`application/problem+json` from the API; another from a proxy, say).
   */
  constructor(readonly status: number, readonly problem: Problem, readonly retryAfterSeconds?: number, readonly contentType?: string | null) {
    super(`${status} ${problem.title}: ${problem.detail}`);
  }
}

/** A `Retry-After` header in seconds: its own number, or the seconds until its date; undefined without one. */
function retryAfterOf(response: Response): number | undefined {
  const header = response.headers.get('retry-after');
  if (!header) return undefined;
  const seconds = /^\d+$/.test(header.trim()) ? Number(header) : (Date.parse(header) - Date.now()) / 1000;
  return Number.isFinite(seconds) ? Math.max(0, Math.ceil(seconds)) : undefined;
}

/** Whether `error` is the API's problem of this type (the slug after the last `:`), with this status when given. */
export function isProblem(error: unknown, slug: string, status?: number): boolean {
  return error instanceof ChorusApiError && (status === undefined || error.status === status) && error.problem?.type?.endsWith(`:${slug}`) === true;
}

/** The server's problem, or one made up from the status when a proxy answered with something that is not JSON. */
function problemOf(response: Response, text: string): Problem {
  try {
    return JSON.parse(text) as Problem;
  } catch {
    return { type: 'about:blank', title: response.statusText || 'Error', status: response.status, detail: text.slice(0, 500) || response.statusText };
  }
}

export interface ChorusClientOptions {
  /** Where the API lives, e.g. `http://localhost:3000`; empty for the same origin. */
  baseUrl?: string;
  token?: string;
  fetch?: typeof fetch;
  /** Where the server's time is noted from its answers; the page's shared `serverClock` unless given. */
  clock?: ServerClock;
}

/** A query string of the parameters given, leaving out those that are undefined. */
function queryString(query: Record<string, string | number | undefined>): URLSearchParams {
  return new URLSearchParams(Object.entries(query).flatMap(([key, value]) => (value === undefined ? [] : [[key, String(value)]])));
}

/** A consensus or classifications download's query: `format` first (JSON without one), then the options given. */
function downloadQuery({ format = 'json', since, sort, metadata, subjectSetId }: DownloadOptions) {
  return { format, since, sort, metadata, subjectSetId };
}

/** A typed client for the v1 API. Every method throws ChorusApiError with the server's problem on a 4xx or 5xx. */
export class ChorusClient {
  token?: string;
  private readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;
  private readonly clock: ServerClock;

  constructor(options: ChorusClientOptions = {}) {
    this.baseUrl = `${(options.baseUrl ?? '').replace(/\/$/, '')}/api/v1`;
    this.token = options.token;
    this.fetchImpl = options.fetch ?? ((...args) => fetch(...args));
    this.clock = options.clock ?? serverClock;
  }

  withToken(token: string): ChorusClient {
    return new ChorusClient({ baseUrl: this.baseUrl.slice(0, -'/api/v1'.length), token, fetch: this.fetchImpl, clock: this.clock });
  }

  /**
   * `keepalive`: the request outlives the page that sends it (one sent as the page goes away). `raw`: `body` is sent
   * as it is (a file's text, or its bytes as a Blob) with the `content-type` given in `headers`, not as JSON.
   */
  async request<T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    { keepalive, raw }: { keepalive?: boolean; raw?: boolean } = {},
  ): Promise<{ status: number; body: T; headers: Headers }> {
    const response = await this.fetchImpl(this.baseUrl + path, {
      method,
      ...(keepalive ? { keepalive } : {}),
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : raw ? (body as string | Blob) : JSON.stringify(body),
    });
    this.clock.observe(response.headers.get('date'));
    const text = await response.text();
    if (!response.ok) throw new ChorusApiError(response.status, problemOf(response, text), retryAfterOf(response), response.headers.get('content-type'));
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T, headers: response.headers };
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    return (await this.request<T>(method, path, body)).body;
  }

  /**
   * Answers nothing, whether or not the email has an account: the account signs in once the link mailed to it is opened.
   * `language`: the one the account's mails are worded in (else the most wanted the request's Accept-Language names
   * that Chorus speaks). `display`: the one chosen before signing up, which the account keeps.
   */
  async register(input: { email: string; password: string; displayName: string; language?: Language; display?: Display }): Promise<void> {
    await this.call<undefined>('POST', '/auth/register', input);
  }
  /** Sent with a guest's token (a client made with it), the guest's work becomes the account's: see `SignIn.guestWork`. */
  login(input: { email: string; password: string }) {
    return this.call<SignIn>('POST', '/auth/login', input);
  }
  guest() {
    return this.call<Session>('POST', '/auth/guest');
  }
  /** Proves the email is the account's, with the token of a link Chorus mailed to it (or makes a change of email). */
  verifyEmail(token: string) {
    return this.call<VerifiedEmail>('POST', '/auth/email-verification', { token });
  }
  /** Mails a link to set a new password, if the email has an account (the answer is the same either way). */
  async requestPasswordReset(email: string): Promise<void> {
    await this.call<undefined>('POST', '/auth/password-reset', { email });
  }
  /** A new password, with the token of a password-reset link: every token issued before stops working. */
  resetPassword(input: { token: string; newPassword: string }) {
    return this.call<Session>('POST', '/auth/password-reset/confirm', input);
  }

  /** The account's API keys, newest first (never their secrets). */
  apiKeys() {
    return this.call<ApiKeyList>('GET', '/account/api-keys');
  }
  /** A new API key for scripts; its `secret` is in this answer only. Needs a session's token, not a key. */
  createApiKey(input: { name: string; scope?: ApiKeyScope; expiresAt?: string }) {
    return this.call<NewApiKey>('POST', '/account/api-keys', input);
  }
  /** Revokes an API key at once, on every API process (harmless twice). */
  async revokeApiKey(id: string): Promise<void> {
    await this.call<undefined>('DELETE', `/account/api-keys/${id}`);
  }

  /** A project's webhooks (never their secrets); researchers only. */
  webhooks(projectId: string) {
    return this.call<WebhookList>('GET', `/projects/${projectId}/webhooks`);
  }
  /** A new webhook of the project; its `secret` is in this answer only. */
  createWebhook(projectId: string, input: { url: string; events: WebhookEventName[] }) {
    return this.call<NewWebhook>('POST', `/projects/${projectId}/webhooks`, input);
  }
  /** Changes a webhook's address or events (its secret stays), or turns it off or back on (`active`). */
  updateWebhook(id: string, input: { url?: string; events?: WebhookEventName[]; active?: boolean }) {
    return this.call<WebhookView>('PATCH', `/webhooks/${id}`, input);
  }
  /** Deletes a webhook, and its deliveries not yet made. */
  async deleteWebhook(id: string): Promise<void> {
    await this.call<undefined>('DELETE', `/webhooks/${id}`);
  }
  /** A new secret for the webhook, in this answer only; the old one signs too for a day. */
  rotateWebhookSecret(id: string) {
    return this.call<NewWebhook>('POST', `/webhooks/${id}/secret`);
  }
  /** Sends the webhook a test event (`ping`): its delivery. */
  pingWebhook(id: string) {
    return this.call<WebhookDelivery>('POST', `/webhooks/${id}/ping`);
  }
  /** A webhook's deliveries, newest first, a page at a time. */
  webhookDeliveries(id: string, query: { limit?: number; after?: string } = {}) {
    return this.call<WebhookDeliveryPage>('GET', `/webhooks/${id}/deliveries?${queryString(query)}`);
  }

  /** The caller's own account, or guest. */
  account() {
    return this.call<AccountView>('GET', '/account');
  }
  /** What the caller has classified, in all and by project. */
  contribution() {
    return this.call<Contribution>('GET', '/account/contribution');
  }
  /** The caller's own classifications per day (`query.timeZone`'s days), in every project or `query.projectId`'s, with their total. */
  ownActivity(query: OwnActivityQuery = {}) {
    return this.call<OwnActivity>('GET', `/account/activity?${queryString({ ...query })}`);
  }
  /** The caller's classifications in a workflow, in all, and whether the account has seen its tutorial. */
  accountWorkflow(workflowId: string) {
    return this.call<AccountWorkflow>('GET', `/account/workflows/${workflowId}`);
  }
  /** Remembers that the account has seen a workflow's tutorial, on every device it signs in on (accounts only; harmless twice). */
  async markTutorialSeen(workflowId: string): Promise<void> {
    await this.call<undefined>('PUT', '/account/tutorials-seen', { workflowId });
  }
  /** The name the account's work goes by (accounts only). */
  renameAccount(displayName: string) {
    return this.changeAccount({ displayName });
  }
  /** The account's display name, the language its mails are worded in, its credited name, whether it is named in acknowledgements, whether it is mailed of replies and mentions, of followed discussions, of reports in projects it moderates, of completed workflows, how the classifier shows itself to it: any of them. */
  changeAccount(change: { displayName?: string; language?: Language; creditedName?: string | null; namedInAcknowledgements?: boolean; discussionMails?: boolean; followedDiscussionMails?: boolean; reportMails?: boolean; completionMails?: boolean; volunteerCompletionMails?: boolean; display?: Display; publicProfile?: boolean }) {
    return this.call<AccountView>('PATCH', '/account', change);
  }
  /** A new password; every other token of the account stops working, and a new one comes with the answer. */
  changePassword(input: { currentPassword: string; newPassword: string }) {
    return this.call<Session>('POST', '/account/password', input);
  }
  /** Mails the link that verifies the account's email again (one link a minute). */
  async sendEmailVerification(): Promise<void> {
    await this.call<undefined>('POST', '/account/email-verification');
  }
  /** Mails a link to the new email; the account signs in with it once the link is opened. */
  async changeEmail(input: { email: string; password: string }): Promise<void> {
    await this.call<undefined>('POST', '/account/email', input);
  }
  /** Signs out on this device: this token stops working, the account's other sessions go on (harmless twice). */
  async signOut(): Promise<void> {
    await this.call<undefined>('POST', '/auth/sign-out');
  }
  /** Every token of the account stops working, this one included. */
  async signOutEverywhere(): Promise<void> {
    await this.call<undefined>('POST', '/account/sign-out-everywhere');
  }
  /** Deletes the account's email, password and name, and its tokens; its classifications stay, with no one's name. */
  async deleteAccount(password: string): Promise<void> {
    await this.call<undefined>('DELETE', '/account', { password });
  }

  createProject(input: ProjectInput) {
    return this.call<ProjectView>('POST', '/projects', input);
  }
  updateProject(id: string, input: ProjectChanges) {
    return this.call<ProjectView>('PATCH', `/projects/${id}`, input);
  }
  /**
   * Live and finished projects and the caller's, newest first; `member`: only the caller's, in any status. A page of
   * `limit` (500 when left out): pass a page's `next` as `before` for the one after; `search`: words of the title or slug,
   * whatever their case and accents; `language` and `status`: see `ProjectListFilters`.
   */
  listProjects({ member = false, ...page }: ProjectListFilters & { limit?: number; before?: string } = {}) {
    const query = queryString({ member: member ? 'true' : undefined, ...page }).toString();
    return this.call<ProjectPage>('GET', query ? `/projects?${query}` : '/projects');
  }
  /**
   * Every project `listProjects` lists, page after page (of `limit` each) until the last, newest first; an error, not
   * an endless loop, where a page (a broken proxy's, say) gives back the cursor it was asked with, or none of its projects.
   */
  async everyProject(query: ProjectListFilters & { limit?: number } = {}): Promise<ProjectSummary[]> {
    const projects: ProjectSummary[] = [];
    let before: string | undefined;
    do {
      const page = await this.listProjects({ ...query, before });
      if (page.next !== null && page.next === before) throw new Error(`GET /projects gave back the cursor it was asked with ("${before}"), so its pages would never end`);
      if (page.next !== null && !page.projects.length) throw new Error(`GET /projects answered an empty page with a next one ("${page.next}"), so its pages would never end`);
      projects.push(...page.projects);
      before = page.next ?? undefined;
    } while (before);
    return projects;
  }
  /** The languages of the listed projects, each with how many, most first: those a volunteer may filter the list by. */
  projectLanguages() {
    return this.call<ProjectLanguages>('GET', '/project-languages');
  }
  /** Deletes a project nobody has classified in, not while it is live (its owner only). */
  async deleteProject(id: string): Promise<void> {
    await this.request('DELETE', `/projects/${id}`);
  }
  getProject(idOrSlug: string) {
    return this.call<ProjectView>('GET', `/projects/${encodeURIComponent(idOrSlug)}`);
  }
  /** Takes a project down from the public, with the reason its members see (the operators of this Chorus only). */
  takeDownProject(id: string, input: { reason: string }) {
    return this.call<ProjectTakeDown>('PUT', `/projects/${id}/take-down`, input);
  }
  /** Removes an abusive project image and its description, the project staying up (the operators of this Chorus only). */
  async removeProjectImage(id: string, input: { reason: string }): Promise<void> {
    await this.request('PUT', `/projects/${id}/image-removal`, input);
  }
  /** Puts a project taken down back as it was (the operators of this Chorus only). */
  async restoreProject(id: string): Promise<void> {
    await this.request('DELETE', `/projects/${id}/take-down`);
  }

  /** The project's members, owner first (researchers only). */
  members(projectId: string) {
    return this.call<{ members: MemberView[] }>('GET', `/projects/${projectId}/members`);
  }
  /**
   * Changes a member's role, the member named by their email (the project's owner and collaborators only); role
   * `owner`, from the owner, hands the project over.
   */
  setMember(projectId: string, input: { email: string; role: ProjectRole }) {
    return this.call<MemberView>('PUT', `/projects/${projectId}/members`, input);
  }
  removeMember(projectId: string, userId: string) {
    return this.call<{ removed: string }>('DELETE', `/projects/${projectId}/members/${userId}`);
  }
  /** Invites whoever signs in with this email to join in a role; they become a member once they accept. */
  invite(projectId: string, input: { email: string; role: Exclude<ProjectRole, 'owner'> }) {
    return this.call<InvitationView>('POST', `/projects/${projectId}/invitations`, input);
  }
  /** The project's invitations not yet accepted or declined (researchers only). */
  invitations(projectId: string) {
    return this.call<{ invitations: InvitationView[] }>('GET', `/projects/${projectId}/invitations`);
  }
  async withdrawInvitation(projectId: string, email: string): Promise<void> {
    await this.call<undefined>('DELETE', `/projects/${projectId}/invitations/${encodeURIComponent(email)}`);
  }
  /** Invitations addressed to the caller's email. */
  myInvitations() {
    return this.call<{ invitations: OwnInvitation[] }>('GET', '/account/invitations');
  }
  acceptInvitation(projectId: string) {
    return this.call<MemberView>('POST', `/account/invitations/${projectId}`);
  }
  async declineInvitation(projectId: string): Promise<void> {
    await this.call<undefined>('DELETE', `/account/invitations/${projectId}`);
  }

  createSubjectSet(projectId: string, input: { name: string }) {
    return this.call<SubjectSetView>('POST', `/projects/${projectId}/subject-sets`, input);
  }
  renameSubjectSet(subjectSetId: string, name: string) {
    return this.call<SubjectSetView>('PATCH', `/subject-sets/${subjectSetId}`, { name });
  }
  /** A page of the set's subjects, in its order; pass the page's `next` as `after` for the following one. */
  subjectsOf(subjectSetId: string, query: { limit?: number; after?: string } = {}) {
    return this.call<SubjectPage>('GET', `/subject-sets/${subjectSetId}/subjects?${queryString(query)}`);
  }
  /** The project's subject sets, each with how many subjects it holds (researchers only). */
  subjectSets(projectId: string) {
    return this.call<{ subjectSets: SubjectSetSummary[] }>('GET', `/projects/${projectId}/subject-sets`);
  }
  addSubjects(subjectSetId: string, subjects: SubjectInput[]) {
    return this.call<SubjectsAdded>('POST', `/subject-sets/${subjectSetId}/subjects`, { subjects });
  }
  /**
   * Uploads a file of subjects as it is: a CSV (`text/csv`), a text corpus (`text/plain`), a IIIF manifest (or a list
   * of them, or a collection embedding them) or `{ subjects: [...] }` (`application/json`). A refusal names each bad
   * subject by pointer and, for a file, its row. A text corpus's `fileName` names its passages (`letters#3`). With an
   * `idempotencyKey`, a retry of the same upload (after a lost answer) is answered with the first answer, adding nothing.
   */
  async uploadSubjects(subjectSetId: string, file: string | Blob, contentType: string, replacing?: LocationReplacement, fileName?: string, idempotencyKey?: string) {
    const query = queryString({ ...(replacing ? { replaceLocations: 'true', reason: replacing.reason } : {}), fileName }).toString();
    const headers = { 'content-type': contentType, ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}) };
    return (await this.request<SubjectsAdded>('POST', `/subject-sets/${subjectSetId}/subjects${query ? `?${query}` : ''}`, file, headers, { raw: true })).body;
  }
  /**
   * Gives a subject's locations new addresses: the same content moved (as many locations, of the same types, the texts
   * unchanged), recorded with the reason (researchers only).
   */
  correctSubjectLocations(subjectId: string, input: SubjectCorrectionInput) {
    return this.call<SubjectCorrected>('PATCH', `/subjects/${subjectId}`, input);
  }
  /**
   * Describes a subject's images, for volunteers who cannot see them: one entry per location, in order, a description
   * for an image (null takes its description away) and null for a sound or a text (researchers only).
   */
  describeSubjectImages(subjectId: string, descriptions: (string | null)[]) {
    return this.call<SubjectImagesDescribed>('PUT', `/subjects/${subjectId}/image-descriptions`, { descriptions });
  }
  /** The subject's recorded corrections of its locations, newest first, a page at a time (researchers of its project). */
  subjectLocationChanges(subjectId: string, query: { limit?: number; after?: string } = {}) {
    return this.call<LocationChangePage>('GET', `/subjects/${subjectId}/location-changes?${queryString(query)}`);
  }
  /** Deletes a set no workflow uses, with its subjects that are in no other set and were never classified. */
  deleteSubjectSet(subjectSetId: string) {
    return this.call<SubjectSetDeleted>('DELETE', `/subject-sets/${subjectSetId}`);
  }
  /** Takes one subject out of a set (deleting it if it is in no other set and was never classified). */
  removeSubject(subjectSetId: string, subjectId: string) {
    return this.call<SubjectSetDeleted>('DELETE', `/subject-sets/${subjectSetId}/subjects/${subjectId}`);
  }

  createWorkflow(projectId: string, input: WorkflowInput) {
    return this.call<WorkflowSaved>('POST', `/projects/${projectId}/workflows`, input);
  }
  /**
   * A new draft workflow from one of the workflow's versions (its current one by default), in its project or another the
   * caller is a researcher of; a retry with the same `idempotencyKey` answers the first copy (`replayed`) and copies nothing.
   */
  async copyWorkflow(id: string, input: WorkflowCopyInput = {}, idempotencyKey?: string): Promise<WorkflowCopy & { replayed: boolean }> {
    const { status, body } = await this.request<WorkflowCopy>('POST', `/workflows/${id}/copies`, input, idempotencyKey ? { 'idempotency-key': idempotencyKey } : {});
    return { ...body, replayed: status === 200 };
  }
  /**
   * A new version of a classified workflow also starts its re-aggregation (`reaggregation`). With `ifMatch` (the
   * workflow's ETag as read), refused (412) when it changed since.
   */
  async updateWorkflow(id: string, input: WorkflowInput, ifMatch?: string) {
    return (await this.updateWorkflowForEdit(id, input, ifMatch)).saved;
  }
  /** As `updateWorkflow`, with the workflow's ETag once saved, for the edit after it to send. */
  async updateWorkflowForEdit(id: string, input: WorkflowInput, ifMatch?: string): Promise<{ saved: WorkflowSaved; etag: string | undefined }> {
    const { body, headers } = await this.request<WorkflowSaved>('PUT', `/workflows/${id}`, input, ifMatch === undefined ? {} : { 'if-match': ifMatch });
    return { saved: body, etag: headers.get('etag') ?? undefined };
  }
  reaggregate(workflowId: string, scope: 'all' | 'unretired' = 'all') {
    return this.call<ReaggregationRun>('POST', `/workflows/${workflowId}/reaggregate`, { scope });
  }
  /**
   * A run by its job id (the `id` that `reaggregate` answered, or a listed run's `jobId`), as the queue has it, while
   * that number names this run only (410 once Redis, having lost its jobs, numbered another with it): to follow a run,
   * prefer `reaggregationRecord` with its `runId`.
   */
  reaggregation(workflowId: string, jobId: string) {
    return this.call<ReaggregationRun>('GET', `/workflows/${workflowId}/reaggregations/${jobId}`);
  }
  /** A run's record, as the list gives it, by the run's own id (the `runId` that `reaggregate` answered, a listed run's `id`): what to follow a run by. */
  reaggregationRecord(workflowId: string, runId: string) {
    return this.call<ReaggregationRecord>('GET', `/workflows/${workflowId}/reaggregations/${runId}`);
  }
  /** The workflow's re-aggregations, newest first, waiting, running or ended: the last 100 researchers asked for, and the last 100 Chorus started itself. */
  reaggregations(workflowId: string) {
    return this.call<{ runs: ReaggregationRecord[] }>('GET', `/workflows/${workflowId}/reaggregations`);
  }
  activateWorkflow(id: string) {
    return this.call<WorkflowView>('POST', `/workflows/${id}/activate`);
  }
  /** Volunteers get no more subjects until it is activated again; answers already on their way are still stored. */
  pauseWorkflow(id: string) {
    return this.call<WorkflowView>('POST', `/workflows/${id}/pause`);
  }
  /** Volunteers are told the workflow is complete, whatever answers its subjects have. */
  finishWorkflow(id: string) {
    return this.call<WorkflowView>('POST', `/workflows/${id}/finish`);
  }
  getWorkflow(id: string) {
    return this.call<WorkflowView>('GET', `/workflows/${id}`);
  }
  /**
   * Ends every volunteer's outstanding hold in the workflow (researchers only): its subjects go back to the pool at
   * once. With `asOf` (of `stats`), only the holds taken by then. Answers on their way are still stored.
   */
  releaseAllHolds(workflowId: string, asOf?: string) {
    return this.call<WorkflowHoldsEnded>('DELETE', `/workflows/${workflowId}/holds?${queryString({ asOf })}`);
  }
  /** The workflow and its ETag as read, for an edit of it to send as `ifMatch` (refused, 412, if it changed since). */
  async getWorkflowForEdit(id: string): Promise<{ workflow: WorkflowView; etag: string | undefined }> {
    const { body, headers } = await this.request<WorkflowView>('GET', `/workflows/${id}`);
    return { workflow: body, etag: headers.get('etag') ?? undefined };
  }
  /** Deletes a workflow nobody has classified in, its team's tries in draft with it; one with other classifications is refused (409 `workflow-classified`). */
  async deleteWorkflow(id: string): Promise<void> {
    await this.request('DELETE', `/workflows/${id}`);
  }
  /** The workflow's versions, the newest first, with who saved each, the classifications under it and what it changed (for its team). */
  workflowVersions(id: string) {
    return this.call<WorkflowVersionList>('GET', `/workflows/${id}/versions`);
  }
  /** One version of a workflow's definition (the one a classification or a draft names). */
  getWorkflowVersion(id: string, version: number) {
    return this.call<WorkflowVersionView>('GET', `/workflows/${id}/versions/${version}`);
  }
  /**
   * The next subjects, held for the caller `hold` seconds (the API's assignment lifetime when left out, and at most
   * that); the subjects of `renew` that the caller still holds are held for the lifetime again. With `resume`, the
   * subjects the caller still holds in the workflow come first (a page that goes on in place of one that died).
   */
  queue(workflowId: string, limit = 10, { hold, renew, resume, subjectSetId }: { hold?: number; renew?: string[]; resume?: boolean; subjectSetId?: string } = {}) {
    return this.call<QueueView>('GET', `/workflows/${workflowId}/queue?${queryString({ limit, hold, renew: renew?.length ? renew.join(',') : undefined, resume: resume ? 'true' : undefined, subjectSetId })}`);
  }

  /** The subject sets volunteers may choose to work on in a workflow, with how many subjects each has left (none when they do not choose there). */
  choosableSets(workflowId: string) {
    return this.call<ChoosableSets>('GET', `/workflows/${workflowId}/queue/sets`);
  }
  /**
   * The pages before and after a subject the caller holds or classified in a workflow, in its subject set's order (a
   * transcriber's glance at the page break): read-only, it assigns nothing. `subjectSetId`: the set to look around in
   * (the one the volunteer chose); without it, the first of the workflow's sets that has the subject.
   */
  neighbourPages(workflowId: string, subjectId: string, subjectSetId?: string) {
    const query = queryString({ subjectSetId }).toString();
    return this.call<NeighbourPages>('GET', `/workflows/${workflowId}/subjects/${subjectId}/neighbours${query ? `?${query}` : ''}`);
  }
  /** Holds the named subjects the caller still holds for the assignment lifetime again: a page whose volunteer is at work. */
  renewHolds(workflowId: string, subjectIds: string[], onScreen?: string) {
    return this.call<HoldsRenewed>('POST', `/workflows/${workflowId}/queue/holds`, { subjectIds, onScreen });
  }
  /** Gives back subjects the caller was served and will not classify: others may have them at once. */
  async releaseHolds(workflowId: string, subjectIds: string[], options: { keepalive?: boolean } = {}) {
    return (await this.request<HoldsReleased>('POST', `/workflows/${workflowId}/queue/release`, { subjectIds }, {}, options)).body;
  }
  /** Gives back every subject the caller holds in the workflow (pages of theirs that died without giving theirs back): they may be served again at once. */
  releaseMyHolds(workflowId: string) {
    return this.call<HoldsReleased>('POST', `/workflows/${workflowId}/queue/release`, { all: true });
  }
  /** The caller's own classifications, newest first (pass a page's `next` as `after` for the one after), and their total. */
  myClassifications(query: { workflowId?: string; limit?: number; after?: string } = {}) {
    return this.call<OwnClassificationList>('GET', `/classifications?${queryString(query)}`);
  }
  /**
   * A link to the download of every classification the account made, in every project, in `format` (CSV without one),
   * that needs no Authorization header, for a browser to save the file as it streams (accounts only, not guests).
   */
  myClassificationsDownloadLink({ format }: { format?: ExportFormat } = {}) {
    return this.call<DownloadLink>('POST', '/account/download-links', { format });
  }
  /** The caller's own comments in every project, newest first (pass a page's `next` as `after` for the one after); none for a guest. */
  myComments(query: { limit?: number; after?: string } = {}) {
    return this.call<OwnCommentPage>('GET', `/account/comments?${queryString(query)}`);
  }
  /**
   * A link to the download of every comment the account wrote, in every project, in `format` (CSV without one), that
   * needs no Authorization header, for a browser to save the file as it streams (accounts only, not guests).
   */
  myCommentsDownloadLink({ format }: { format?: ExportFormat } = {}) {
    return this.call<DownloadLink>('POST', '/account/comments/download-links', { format });
  }
  /**
   * Marks a subject a favourite of the caller's, naming the workflow they were shown it in (where to classify more);
   * marking it again answers with the first (`replayed`), unchanged.
   */
  async markFavourite(subjectId: string, workflowId: string): Promise<Favourite & { replayed: boolean }> {
    const { status, body } = await this.request<Favourite>('PUT', `/subjects/${subjectId}/favourite`, { workflowId });
    return { ...body, replayed: status === 200 };
  }
  /** The subject is no longer a favourite of the caller's (whether it was or not). */
  async unmarkFavourite(subjectId: string): Promise<void> {
    await this.request('DELETE', `/subjects/${subjectId}/favourite`);
  }
  /** The caller's favourites, newest first (pass a page's `next` as `after` for the one after); `subjectId`: that subject's, if it is one. */
  myFavourites(query: { subjectId?: string; limit?: number; after?: string } = {}) {
    return this.call<FavouritePage>('GET', `/account/favourites?${queryString(query)}`);
  }
  /** Creates a collection of the caller's (accounts only). */
  createCollection(input: CollectionInput) {
    return this.call<Collection>('POST', '/collections', input);
  }
  /** A collection: a public one (no token needed), or one of the caller's own. */
  getCollection(id: string) {
    return this.call<Collection>('GET', `/collections/${id}`);
  }
  /** Renames a collection of the caller's, changes its description, or makes it public or private. */
  updateCollection(id: string, changes: Partial<CollectionInput>) {
    return this.call<Collection>('PATCH', `/collections/${id}`, changes);
  }
  async deleteCollection(id: string): Promise<void> {
    await this.request('DELETE', `/collections/${id}`);
  }
  /** Puts a subject in a collection of the caller's; already there, it stays as it was (`added` false). */
  async addToCollection(id: string, subjectId: string): Promise<{ added: boolean }> {
    const { status } = await this.request('PUT', `/collections/${id}/subjects/${subjectId}`);
    return { added: status === 201 };
  }
  /** Takes a subject out of a collection of the caller's (whether it was in it or not). */
  async removeFromCollection(id: string, subjectId: string): Promise<void> {
    await this.request('DELETE', `/collections/${id}/subjects/${subjectId}`);
  }
  /** A page of a collection's subjects the caller may see, the latest added first. */
  collectionSubjects(id: string, query: { limit?: number; after?: string } = {}) {
    return this.call<CollectedSubjectPage>('GET', `/collections/${id}/subjects?${queryString(query)}`);
  }
  /** A volunteer's public profile: their name, when they joined, their latest public collections and comments (no token needed). */
  volunteerProfile(id: string) {
    return this.call<VolunteerProfile>('GET', `/volunteers/${id}`);
  }
  /** A page of a volunteer's public collections, newest first, from their profile's `collections.next`. */
  volunteerCollections(id: string, query: { limit?: number; after?: string } = {}) {
    return this.call<CollectionPage>('GET', `/volunteers/${id}/collections?${queryString(query)}`);
  }
  /** The caller's collections, newest first; `subjectId`: each says whether it holds that subject. */
  myCollections(query: { subjectId?: string; limit?: number; after?: string } = {}) {
    return this.call<CollectionPage>('GET', `/account/collections?${queryString(query)}`);
  }
  stats(workflowId: string) {
    return this.call<WorkflowStats>('GET', `/workflows/${workflowId}/stats`);
  }
  /** A project's classifications, volunteers, new volunteers and retirements per day (`query.timeZone`'s days), with totals. */
  activity(projectId: string, query: ActivityQuery = {}) {
    return this.call<ProjectActivity>('GET', `/projects/${projectId}/activity?${queryString({ ...query })}`);
  }
  /** A `bayes` workflow's volunteers' learned skills, the least accurate first (researchers only). */
  skills(workflowId: string) {
    return this.call<WorkflowSkills>('GET', `/workflows/${workflowId}/skills`);
  }
  /** The project's About pages with content, in their fixed order (anyone who may see the project). */
  aboutPages(projectId: string) {
    return this.call<AboutPages>('GET', `/projects/${projectId}/pages`);
  }
  /** Writes one About page (owner and collaborators); empty content removes it. Answers the pages as they now are. */
  setAboutPage(projectId: string, kind: AboutPageKind, content: string) {
    return this.call<AboutPages>('PUT', `/projects/${projectId}/pages/${encodeURIComponent(kind)}`, { content });
  }
  /** A project's news, newest first (pass a page's `next` as `after` for the one after). */
  projectNews(projectId: string, query: { limit?: number; after?: string } = {}) {
    return this.call<ProjectNewsPage>('GET', `/projects/${projectId}/news?${queryString(query)}`);
  }
  newsItem(projectId: string, newsId: string) {
    return this.call<ProjectNews>('GET', `/projects/${projectId}/news/${newsId}`);
  }
  /** Posts news (researchers); `mail`: also mailed to the project's subscribers, at most once a day. A retry with the same key posts (and mails) nothing more. */
  async postNews(projectId: string, input: { title: string; body: string; mail?: boolean }, idempotencyKey?: string): Promise<ProjectNews & { replayed: boolean }> {
    const { status, body } = await this.request<ProjectNews>('POST', `/projects/${projectId}/news`, input, idempotencyKey ? { 'idempotency-key': idempotencyKey } : {});
    return { ...body, replayed: status === 200 };
  }
  /** Rewrites a news item (never mailed again). */
  editNews(projectId: string, newsId: string, input: { title?: string; body?: string }) {
    return this.call<ProjectNews>('PATCH', `/projects/${projectId}/news/${newsId}`, input);
  }
  async deleteNews(projectId: string, newsId: string): Promise<void> {
    await this.request('DELETE', `/projects/${projectId}/news/${newsId}`);
  }
  /** Whether the caller gets the project's news by mail. */
  newsSubscription(projectId: string) {
    return this.call<NewsSubscription>('GET', `/projects/${projectId}/news-subscription`);
  }
  /** Gets (`true`) or stops getting the project's news by mail. */
  setNewsSubscription(projectId: string, subscribed: boolean) {
    return this.call<NewsSubscription>(subscribed ? 'PUT' : 'DELETE', `/projects/${projectId}/news-subscription`);
  }
  /** How many accounts a news item mailed now would reach (researchers). */
  newsSubscribers(projectId: string) {
    return this.call<NewsSubscribers>('GET', `/projects/${projectId}/news-subscribers`);
  }
  /** A mail's one-click stop, of whichever kind its link's token names (no sign-in: the token is the proof). */
  stopMails(token: string) {
    return this.call<MailsStopped>('POST', '/unsubscriptions', { token });
  }
  /** The volunteers the project's researchers keep out of its consensus, the most recently excluded first. */
  excludedVolunteers(projectId: string) {
    return this.call<ExcludedVolunteerList>('GET', `/projects/${projectId}/excluded-volunteers`);
  }
  /** Keeps a volunteer's classifications out of the project's consensus (kept, flagged in the raw download); again: nothing changes. */
  excludeVolunteer(projectId: string, volunteerId: string, reason: string) {
    return this.call<ExcludedVolunteer>('PUT', `/projects/${projectId}/excluded-volunteers/${volunteerId}`, { reason });
  }
  /** Counts a volunteer's classifications in the project's consensus again. */
  liftExclusion(projectId: string, volunteerId: string) {
    return this.call<{ lifted: string }>('DELETE', `/projects/${projectId}/excluded-volunteers/${volunteerId}`);
  }
  /**
   * Retires subjects by hand, with the reason (researchers; moderators, subjects volunteers reported only); those
   * retired already stay as they were, but by a take-down (`takeDown`, which a moderator's always is).
   */
  retireSubjects(workflowId: string, input: RetireInput) {
    return this.call<SubjectsRetired>('POST', `/workflows/${workflowId}/retire`, input);
  }
  /** Returns retired subjects to the queue, with the reason (researchers only). */
  unretireSubjects(workflowId: string, input: RetirementInput) {
    return this.call<SubjectsUnretired>('POST', `/workflows/${workflowId}/unretire`, input);
  }
  /**
   * Reports a subject the caller was served as one they cannot classify as it is, which ends their hold on it; a
   * report made again while the first is open gives that one this reason and note (`replayed`).
   */
  async reportSubject(workflowId: string, input: SubjectReportInput): Promise<SubjectReport & { replayed: boolean }> {
    const { status, body } = await this.request<SubjectReport>('POST', `/workflows/${workflowId}/subject-reports`, input);
    return { ...body, replayed: status === 200 };
  }
  /**
   * Says that the caller's browser could not load one of a subject's media (the classifier does, by itself); said again,
   * it counts nothing more and answers with the first (`replayed`).
   */
  async mediaFailed(workflowId: string, input: MediaFailureInput): Promise<MediaFailure & { replayed: boolean }> {
    const { status, body } = await this.request<MediaFailure>('POST', `/workflows/${workflowId}/media-failures`, input);
    return { ...body, replayed: status === 200 };
  }
  /** What volunteers' browsers could not load in the workflow: counts, and a page of the subjects, the most recently first failed first (researchers only). */
  mediaFailures(workflowId: string, query: { limit?: number; after?: string } = {}) {
    return this.call<WorkflowMediaFailures>('GET', `/workflows/${workflowId}/media-failures?${queryString(query)}`);
  }
  /** The subjects volunteers reported in the workflow, the most recently first reported first (moderators and researchers). */
  reportedSubjects(workflowId: string, query: { limit?: number; after?: string; status?: ReportedSubjectStatus } = {}) {
    return this.call<ReportedSubjectPage>('GET', `/workflows/${workflowId}/reported-subjects?${queryString(query)}`);
  }
  /** Dismisses a subject's open reports in a workflow (handled; it stays served), with an optional note (moderators and researchers). */
  dismissReports(workflowId: string, subjectId: string, note?: string) {
    return this.call<ReportsDismissed>('POST', `/workflows/${workflowId}/reported-subjects/${subjectId}/dismissal`, note === undefined ? {} : { note });
  }
  /**
   * A subject's discussion in its project: the subject as volunteers see it, and a page of its comments, oldest first
   * (pass a page's `next` as `after` for the one after); hidden ones only to the project's team.
   */
  subjectDiscussion(subjectId: string, projectId: string, query: { limit?: number; after?: string } = {}) {
    return this.call<SubjectDiscussion>('GET', `/subjects/${subjectId}/comments?${queryString({ projectId, ...query })}`);
  }
  /** Follows a subject's discussion in its project (accounts only): told of each new comment in it, commenting or not. */
  followDiscussion(subjectId: string, projectId: string) {
    return this.call<DiscussionFollow>('PUT', `/subjects/${subjectId}/follow?${queryString({ projectId })}`);
  }
  /** Stops following a subject's discussion in its project, also one the caller commented in. */
  unfollowDiscussion(subjectId: string, projectId: string) {
    return this.call<DiscussionFollow>('DELETE', `/subjects/${subjectId}/follow?${queryString({ projectId })}`);
  }
  /** Posts a comment on a subject (accounts only), in reply to another of its comments with `replyTo`; a retry with the same `idempotencyKey` answers the first (`replayed`). */
  async postComment(subjectId: string, input: { projectId: string; body: string; replyTo?: string }, idempotencyKey?: string): Promise<SubjectComment & { replayed: boolean }> {
    const { status, body } = await this.request<SubjectComment>('POST', `/subjects/${subjectId}/comments`, input, idempotencyKey ? { 'idempotency-key': idempotencyKey } : {});
    return { ...body, replayed: status === 200 };
  }
  /** The project's Talk boards, in their order. */
  boards(projectId: string) {
    return this.call<BoardList>('GET', `/projects/${projectId}/boards`);
  }
  /** Makes a Talk board in the project (its researchers), last in its list. */
  createBoard(projectId: string, input: { title: string; description?: string }) {
    return this.call<Board>('POST', `/projects/${projectId}/boards`, input);
  }
  /** Renames, describes, moves (`position`) or archives a board (its project's researchers). */
  updateBoard(id: string, input: { title?: string; description?: string; position?: number; archived?: boolean }) {
    return this.call<Board>('PATCH', `/boards/${id}`, input);
  }
  /** Deletes a board without discussions (its project's researchers); archive one with discussions instead. */
  async deleteBoard(id: string): Promise<void> {
    await this.request('DELETE', `/boards/${id}`);
  }
  /** A page of a board's discussions, the latest active first. */
  boardDiscussions(boardId: string, query: { limit?: number; after?: string } = {}) {
    return this.call<BoardDiscussionPage>('GET', `/boards/${boardId}/discussions?${queryString(query)}`);
  }
  /** Starts a titled discussion in a board with its first comment (accounts only); a retry with the same `idempotencyKey` answers the first (`replayed`). */
  async startBoardDiscussion(boardId: string, input: { title: string; body: string }, idempotencyKey?: string): Promise<BoardDiscussionStarted & { replayed: boolean }> {
    const { status, body } = await this.request<BoardDiscussionStarted>('POST', `/boards/${boardId}/discussions`, input, idempotencyKey ? { 'idempotency-key': idempotencyKey } : {});
    return { ...body, replayed: status === 200 };
  }
  /** A board discussion: its title and board, and a page of its comments, oldest first. */
  boardDiscussion(id: string, query: { limit?: number; after?: string } = {}) {
    return this.call<BoardDiscussion>('GET', `/board-discussions/${id}/comments?${queryString(query)}`);
  }
  /** Posts a comment in a board discussion (accounts only), in reply to another of its comments with `replyTo`. */
  async postBoardComment(discussionId: string, input: { body: string; replyTo?: string }, idempotencyKey?: string): Promise<SubjectComment & { replayed: boolean }> {
    const { status, body } = await this.request<SubjectComment>('POST', `/board-discussions/${discussionId}/comments`, input, idempotencyKey ? { 'idempotency-key': idempotencyKey } : {});
    return { ...body, replayed: status === 200 };
  }
  /** Follows a board discussion, or (`following` false) stops following it. */
  followBoardDiscussion(id: string, following = true) {
    return this.call<DiscussionFollow>(following ? 'PUT' : 'DELETE', `/board-discussions/${id}/follow`);
  }
  /** Rewrites the caller's own comment (its `editedAt` says when). */
  editComment(id: string, body: string) {
    return this.call<SubjectComment>('PATCH', `/comments/${id}`, { body });
  }
  /** Deletes the caller's own comment. */
  async deleteComment(id: string): Promise<void> {
    await this.request('DELETE', `/comments/${id}`);
  }
  /** Hides a comment from volunteers, with the reason (the project's moderators and researchers). */
  hideComment(id: string, reason: string) {
    return this.call<SubjectComment>('PUT', `/comments/${id}/hidden`, { reason });
  }
  /** Shows a hidden comment to volunteers again (the project's moderators and researchers). */
  async unhideComment(id: string): Promise<void> {
    await this.request('DELETE', `/comments/${id}/hidden`);
  }
  /** Reports a comment to its project's moderators (accounts, not its author); a report made again while the first is open gives that one this reason and note (`replayed`). */
  async reportComment(id: string, input: CommentReportInput): Promise<CommentReport & { replayed: boolean }> {
    const { status, body } = await this.request<CommentReport>('POST', `/comments/${id}/reports`, input);
    return { ...body, replayed: status === 200 };
  }
  /** The comments volunteers reported in the project, the most recently first reported first (moderators and researchers). */
  reportedComments(projectId: string, query: { limit?: number; after?: string; status?: ReportedSubjectStatus } = {}) {
    return this.call<ReportedCommentPage>('GET', `/projects/${projectId}/reported-comments?${queryString(query)}`);
  }
  /** Dismisses a comment's open reports (handled; it stays shown), with an optional note (moderators and researchers). */
  dismissCommentReports(id: string, note?: string) {
    return this.call<ReportsDismissed>('POST', `/comments/${id}/reports/dismissal`, note === undefined ? {} : { note });
  }
  /**
   * Stops a volunteer (their account id) from commenting in the project, with the reason (moderators and researchers);
   * again, it takes the new reason. `hideComments`: also hides their comments there not hidden yet, with that reason
   * (`commentsHidden` says how many).
   */
  banFromComments(projectId: string, volunteerId: string, reason: string, { hideComments }: { hideComments?: boolean } = {}) {
    return this.call<CommentBanMade>('PUT', `/projects/${projectId}/comment-bans/${volunteerId}`, hideComments === undefined ? { reason } : { reason, hideComments });
  }
  /** Lets a volunteer comment in the project again (moderators and researchers); the same for one not stopped. */
  async liftCommentBan(projectId: string, volunteerId: string): Promise<void> {
    await this.request('DELETE', `/projects/${projectId}/comment-bans/${volunteerId}`);
  }
  /** The volunteers stopped from commenting in the project, the most recently first (moderators and researchers). */
  commentBans(projectId: string, query: { limit?: number; after?: string } = {}) {
    return this.call<CommentBanPage>('GET', `/projects/${projectId}/comment-bans?${queryString(query)}`);
  }
  /** The caller's notifications (replies to their comments, mentions of them, workflows complete), newest first, with how many are unread. */
  notifications(query: { limit?: number; after?: string } = {}) {
    return this.call<NotificationPage>('GET', `/account/notifications?${queryString(query)}`);
  }
  /** Marks the caller's notifications read: those of `ids`, or all of them. */
  async markNotificationsRead(ids?: string[]): Promise<void> {
    await this.request('POST', '/account/notifications/read', ids ? { ids } : {});
  }
  /**
   * The project's recent comments, newest first; `tag`: those with that #hashtag (given without the #); `q`: those whose
   * body holds each of its words, whatever their case and accents; `author`: one volunteer's (their account id; the
   * project's moderators and researchers only).
   */
  projectComments(projectId: string, query: { tag?: string; q?: string; author?: string; limit?: number; after?: string } = {}) {
    return this.call<ProjectCommentPage>('GET', `/projects/${projectId}/comments?${queryString(query)}`);
  }
  /**
   * A page of the workflow's subjects with their classification counts, retirement and consensus, in subject id order
   * (researchers and reviewers): `status` retired or active ones only, `q` those whose externalId starts with it (or whose id it is),
   * `text` those with a consensus or reviewed answer that holds it (whatever its case and accents),
   * `needsChecking` those with a transcription's consensus worth checking, `againstPlurality` those with a consensus
   * most volunteers did not give (a single choice's or close reading's), `reviewed` false those with a consensus
   * not reviewed yet (true: those whose every consensus is reviewed), `consensusChanged` true those with an approval
   * whose consensus changed since (false: those with an approval and none changed), `metadata` those whose metadata fields have these
   * values (as text); `sort` another order (`externalId`, `favourites`, or a metadata field's: `metadata.page`).
   */
  subjectResults(
    workflowId: string,
    {
      needsChecking,
      againstPlurality,
      reviewed,
      consensusChanged,
      metadata = {},
      ...query
    }: { status?: SubjectResultStatus; q?: string; externalId?: string; text?: string; sort?: SubjectResultOrder; needsChecking?: boolean; againstPlurality?: boolean; reviewed?: boolean; consensusChanged?: boolean; metadata?: Record<string, string>; limit?: number; after?: string } = {},
  ) {
    const filters = {
      needsChecking: needsChecking ? 'true' : undefined,
      againstPlurality: againstPlurality ? 'true' : undefined,
      reviewed: reviewed === undefined ? undefined : String(reviewed),
      consensusChanged: consensusChanged === undefined ? undefined : String(consensusChanged),
      ...Object.fromEntries(Object.entries(metadata).map(([key, value]) => [`${METADATA_PARAMETER}${key}`, value])),
    };
    return this.call<SubjectResultPage>('GET', `/workflows/${workflowId}/subject-results?${queryString({ ...query, ...filters })}`);
  }
  /**
   * Corrects a task's consensus for a subject to `value` (researchers, and reviewers for a subject they did not
   * classify); without `value`, approves the consensus as it is when the approval arrives, whatever later votes made it.
   * @deprecated Without `value` (an approval): use `approveConsensus`, which approves only the answer shown.
   */
  reviewConsensus(workflowId: string, subjectId: string, task: string, value?: unknown) {
    return this.call<ConsensusReview>('PUT', `/workflows/${workflowId}/subjects/${subjectId}/reviews/${encodeURIComponent(task)}`, value === undefined ? {} : { value });
  }
  /**
   * Approves a task's consensus for a subject if its answer is still `consensus`, the one shown (`consensus.<task>.answer`
   * of its results); else nothing is stored and it throws 409 `consensus-changed`, whose problem's `consensus` is the answer now.
   */
  approveConsensus(workflowId: string, subjectId: string, task: string, consensus: string) {
    return this.call<ConsensusReview>('PUT', `/workflows/${workflowId}/subjects/${subjectId}/reviews/${encodeURIComponent(task)}`, { consensus });
  }
  /** Undoes the review of a task's consensus for a subject (nothing to undo is fine; a reviewer, their own only). */
  async undoReview(workflowId: string, subjectId: string, task: string): Promise<void> {
    await this.request('DELETE', `/workflows/${workflowId}/subjects/${subjectId}/reviews/${encodeURIComponent(task)}`);
  }
  /** One subject's results: its consensus with each algorithm's whole output, and its classifications a page at a time (researchers and reviewers). */
  subjectResult(workflowId: string, subjectId: string, query: { limit?: number; after?: string } = {}) {
    return this.call<SubjectResultDetail>('GET', `/workflows/${workflowId}/subject-results/${subjectId}?${queryString(query)}`);
  }
  /** A finished subject's result in one workflow, as its project publishes it (`resultsPublic`) to volunteers and the public (no token needed for a public project). */
  publishedResult(workflowId: string, subjectId: string) {
    return this.call<PublishedResult>('GET', `/workflows/${workflowId}/subjects/${subjectId}/result`);
  }
  /** A subject's results in each of the project's workflows that publishes it (finished and paused ones too), as the project publishes them (`resultsPublic`; no token needed for a public project). */
  publishedResults(projectId: string, subjectId: string) {
    return this.call<PublishedResultList>('GET', `/projects/${projectId}/subjects/${subjectId}/results`);
  }
  /** The project's subject sets that read as a document (`publishedText`), each with the workflow that gives its text (`resultsPublic`; no token needed for a public project). */
  readableSets(projectId: string) {
    return this.call<ReadableSets>('GET', `/projects/${projectId}/readable-sets`);
  }
  /**
   * A page of a subject set's subjects read as a document, in the set's order: each finished subject's published
   * transcriptions, gaps for the others (`resultsPublic`; no token needed for a public project).
   */
  publishedText(subjectSetId: string, workflowId: string, page: { limit?: number; after?: string; projectId?: string } = {}) {
    return this.call<PublishedText>('GET', `/subject-sets/${subjectSetId}/published-text?${queryString({ workflowId, ...page })}`);
  }
  /** The same document whole as plain text (`format=text`), a page per subject in the set's order, gaps marked. */
  publishedTextFile(subjectSetId: string, workflowId: string): Promise<string> {
    return this.download(`/subject-sets/${subjectSetId}/published-text`, { format: 'text', workflowId });
  }
  /** Where the same document is, for a plain link (no token: a project anyone may read), which the server sends as an attachment. */
  publishedTextFileUrl(subjectSetId: string, workflowId: string): string {
    return `${this.baseUrl}/subject-sets/${subjectSetId}/published-text?${queryString({ format: 'text', workflowId })}`;
  }
  /**
   * A link to the same document as `publishedTextFile` that needs no Authorization header, for 10 minutes (a draft
   * project's members, whose plain link would carry no token): for a browser to save the file as it streams.
   */
  publishedTextLink(subjectSetId: string, workflowId: string) {
    return this.call<DownloadLink>('POST', `/subject-sets/${subjectSetId}/published-text/download-links`, { workflowId });
  }
  /** Sets subjects' priorities, which `priority` selection serves lowest first (kept, with a warning, under another order). */
  setPriorities(workflowId: string, priorities: SubjectPriority[]) {
    return this.call<PrioritiesSet>('POST', `/workflows/${workflowId}/priorities`, { priorities });
  }

  /** Submits a classification; the same idempotency key always yields the same id (and the same feedback). */
  async classify(input: ClassificationInput, idempotencyKey: string): Promise<SubmitResult> {
    const { status, body } = await this.request<ClassificationStored>('POST', '/classifications', input, { 'idempotency-key': idempotencyKey });
    return { ...body, replayed: status === 200 };
  }

  /** The tags other volunteers proposed for a subject in a tagging task, with their up and down votes. */
  proposedTags(workflowId: string, subjectId: string, task: string) {
    return this.call<{ tags: ProposedTag[] }>('GET', `/workflows/${workflowId}/subjects/${subjectId}/tags?task=${encodeURIComponent(task)}`);
  }
  /**
   * The answers that proposed tags in the workflow's tagging tasks, the most recent first, each tag with whether it was
   * hidden (moderators and researchers); `subjectId` keeps those of one subject, `since` those stored since then.
   */
  tagProposals(workflowId: string, query: { subjectId?: string; since?: string; limit?: number; after?: string } = {}) {
    return this.call<TagProposalPage>('GET', `/workflows/${workflowId}/tag-proposals?${queryString(query)}`);
  }
  /**
   * Hides a tag proposed for a subject in a tagging task from volunteers (moderators and researchers); hiding it again
   * answers with the first hiding (`replayed`).
   */
  async hideTag(workflowId: string, input: HiddenTagInput): Promise<HiddenTag & { replayed: boolean }> {
    const { status, body } = await this.request<HiddenTag>('POST', `/workflows/${workflowId}/hidden-tags`, input);
    return { ...body, replayed: status === 200 };
  }
  /**
   * Shows a hidden tag to volunteers again (moderators and researchers), recorded; a tag not hidden (shown again already)
   * is left as it is, with the same answer.
   */
  async unhideTag(workflowId: string, { subjectId, task, tag }: Omit<HiddenTagInput, 'reason'>): Promise<void> {
    await this.request('DELETE', `/workflows/${workflowId}/hidden-tags?${queryString({ subjectId, task, tag })}`);
  }

  /**
   * The consensus download: one flat row per subject (with `since`, those whose row changed at or after it), in subject
   * id order or in `sort`'s; with `subjectSetId`, of that set's subjects alone.
   */
  consensus(workflowId: string, options: DownloadOptions = {}): Promise<string> {
    return this.download(`/workflows/${workflowId}/consensus`, downloadQuery(options));
  }

  /**
   * The raw classifications download: one flat row per classification (with `since`, those stored at or after it);
   * `metadata`, as the consensus's; `sort=externalId`, in the natural order of their subjects' externalIds, each
   * subject's oldest first; with `subjectSetId`, those of that set's subjects alone.
   */
  classifications(workflowId: string, options: DownloadOptions = {}): Promise<string> {
    return this.download(`/workflows/${workflowId}/classifications`, downloadQuery(options));
  }

  /**
   * One transcription task's consensus as documents (researchers only): `text`, a page per subject in its set's order,
   * `iiif`, a IIIF Presentation 3 AnnotationPage of the canvases' texts (JSON text, to parse), or `tei`, a TEI P5 XML
   * document of the pages; with `subjectSetId`, the pages of that set alone, in its order.
   */
  transcriptions(workflowId: string, { task, format = 'text', subjectSetId }: TranscriptionsOptions): Promise<string> {
    return this.download(`/workflows/${workflowId}/transcriptions`, { format, task, subjectSetId });
  }

  /**
   * A link to a download that needs no Authorization header, for 10 minutes (researchers only): for a browser to
   * save the file as it streams. `url` is from the server's root, `absoluteUrl` whole (under the server's
   * `PUBLIC_URL`); `format` and `subjectSetId` (the download limited to that set) go into both, else add `format` (and
   * `since`, `bom`) to the query.
   */
  downloadLink(workflowId: string, { kind, format, subjectSetId }: DownloadLinkOptions) {
    return this.call<DownloadLink>('POST', `/workflows/${workflowId}/download-links`, { kind, format, subjectSetId });
  }

  /**
   * The project's raw classifications download: every workflow's, one flat row each, workflow by workflow (by
   * id), with `workflow_id` and `workflow_name`; `after`, the last row's `<workflow_id>,<subject_id>,<user_id>`, resumes after it.
   */
  projectClassifications(projectId: string, { format = 'json', since, metadata, after }: ProjectClassificationsOptions = {}): Promise<string> {
    return this.download(`/projects/${projectId}/classifications`, { format, since, metadata, after });
  }

  /** A link to the project's raw classifications download, as `downloadLink`'s (researchers only), in `format` if given; add `since`, `bom`, `metadata` or `after` to its query. */
  projectClassificationsLink(projectId: string, format?: ExportFormat) {
    return this.call<DownloadLink>('POST', `/projects/${projectId}/classifications/download-links`, { format });
  }

  /** A link to the project's comments download, as `downloadLink`'s (researchers only); add `format` (and `bom`) to its query. */
  commentsDownloadLink(projectId: string) {
    return this.call<DownloadLink>('POST', `/projects/${projectId}/comments/download-links`);
  }

  /** A subject set's subjects as the CSV file an upload reads (researchers only), to correct and upload again into the set. */
  subjectSetCsv(subjectSetId: string): Promise<string> {
    return this.download(`/subject-sets/${subjectSetId}/subjects.csv`, { format: 'csv' });
  }

  /** The project's volunteers to credit (researchers only): those who agreed to be named, and how many others. */
  async contributors(projectId: string): Promise<ContributorList> {
    return JSON.parse(await this.download(`/projects/${projectId}/contributors`, { format: 'json' })) as ContributorList;
  }

  /** How many volunteers the contributors download names, and how many others (researchers only): two numbers, not a download. */
  contributorSummary(projectId: string) {
    return this.call<ContributorSummary>('GET', `/projects/${projectId}/contributors/summary`);
  }

  /** A link to a subject set's file (`subjectSetCsv`) that needs no Authorization header, for a browser to save as it streams (researchers only). */
  subjectSetCsvLink(subjectSetId: string) {
    return this.call<DownloadLink>('POST', `/subject-sets/${subjectSetId}/download-links`);
  }

  /** A link to the project's contributors download, as `downloadLink`'s (researchers only); add `format` to its query. */
  contributorsDownloadLink(projectId: string) {
    return this.call<DownloadLink>('POST', `/projects/${projectId}/contributors/download-links`);
  }

  private async download(path: string, query: Record<string, string | undefined>): Promise<string> {
    return (await this.fetchDownload(path, query)).text();
  }

  /** A download's response, asked with the client's token; its problem thrown unless it answered. */
  private async fetchDownload(path: string, query: Record<string, string | undefined>): Promise<Response> {
    const response = await this.fetchImpl(`${this.baseUrl}${path}?${queryString(query)}`, {
      headers: this.token ? { authorization: `Bearer ${this.token}` } : {},
    });
    if (response.ok) return response;
    const text = await response.text();
    throw new ChorusApiError(response.status, problemOf(response, text), retryAfterOf(response), response.headers.get('content-type'));
  }
}
