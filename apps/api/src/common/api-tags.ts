/**
 * The features the OpenAPI document groups its operations by, in the order a newcomer meets them: each controller
 * tags its routes with one of these names (`@ApiTags`), and the document lists them, described, in this order.
 */
export const API_TAGS: readonly { name: string; description: string }[] = [
  { name: 'auth', description: 'Accounts and guests: registering, signing in and out, email links, password resets' },
  { name: 'account', description: 'The caller’s own account: its details, contribution, email, password, API keys, invitations, deletion' },
  { name: 'projects', description: 'Projects: creating, listing, editing, publishing, taking down' },
  { name: 'members', description: 'A project’s team: members, their roles, and invitations' },
  { name: 'subjects', description: 'Subject sets and their subjects: uploads (JSON, CSV, IIIF, text), corrections, removals' },
  { name: 'workflows', description: 'Workflows: their versioned definitions, subject sets, state and stats' },
  { name: 'assignment', description: 'The next subjects for a volunteer, and the holds on them' },
  { name: 'classifications', description: 'Volunteers’ answers: submitting (with an Idempotency-Key), and the caller’s own' },
  { name: 'favourites', description: 'Subjects a volunteer keeps to look at again' },
  { name: 'collections', description: 'Named sets of subjects a volunteer gathers from any project, to keep or to share' },
  { name: 'volunteers', description: 'Volunteers’ public profiles: their public collections and latest comments, for those who show one' },
  { name: 'retirement', description: 'Retiring and unretiring subjects by hand, and their priorities' },
  { name: 'tags', description: 'Tags volunteers proposed in tagging tasks, and those moderators hid' },
  { name: 'discussions', description: 'Subjects’ discussions (Talk): volunteers’ comments, replies, #hashtags and @mentions, those moderators hid, and volunteers’ notifications' },
  { name: 'news', description: 'A project’s news, and volunteers’ subscriptions to get it by mail' },
  { name: 'webhooks', description: 'Addresses a project’s researchers register for signed events (a subject retired or unretired, a workflow completed), and their deliveries' },
  { name: 'subject-reports', description: 'Volunteers’ reports of a subject that needs a look' },
  { name: 'subject-results', description: 'A workflow’s results subject by subject, and volunteers’ skills' },
  { name: 'excluded-volunteers', description: 'Volunteers whose classifications a project’s researchers keep out of its consensus' },
  { name: 'reaggregation', description: 'Computing a workflow’s consensus again, and its runs' },
  { name: 'exports', description: 'Downloads: consensus, raw classifications, subject reports, and links to them' },
  { name: 'health', description: 'Whether the API can serve' },
];
