import { routingDecisionSchema, subjectLocationSchema, workflowDefinitionSchema } from '@chorus/tasks';
import { z } from 'zod';
import { displaySchema } from './display';
import { LANGUAGES } from './languages';

/**
 * What the v1 API answers, one schema per shape: the API documents its responses in OpenAPI from these, and the
 * client's types are inferred from them, so the two cannot drift apart. Times are ISO 8601 strings.
 */

const id = z.uuid();
const time = z.iso.datetime({ offset: true });

export const userViewSchema = z.strictObject({
  id,
  kind: z.enum(['registered', 'guest']),
  displayName: z.string(),
  email: z.string().nullable(),
  /** Its owner opened a link mailed to the email (invitations wait for that); always false for a guest. */
  emailVerified: z.boolean(),
});

/** Someone a record names (who asked for a run, who saved a version): their display name, never their email. */
const personSchema = z.strictObject({ id, displayName: z.string() });

/** A bearer token and whose it is, from register, login, guest or a password change. */
export const sessionSchema = z.strictObject({ token: z.string(), user: userViewSchema });
/**
 * A sign-in's session. `guestWork`, only when the sign-in was sent with a guest's token: what of that guest's work is
 * now the account's (`classifications`), and what stays the guest's (`alreadyClassified`: of subjects the account had
 * classified itself, whose own answers stand, so that no volunteer counts twice for a subject).
 */
export const guestWorkCarriedSchema = z.strictObject({ classifications: z.int(), alreadyClassified: z.int() });
export const signInSchema = sessionSchema.extend({ guestWork: guestWorkCarriedSchema.optional() });

/**
 * What the caller has classified, in all and by project, the projects they classified in most recently first (at most
 * 100). `open`: the project is still open to volunteers (live, paused or finished), so its page can be linked.
 */
export const contributionSchema = z.strictObject({
  classifications: z.int(),
  projects: z.array(z.strictObject({ id, slug: z.string(), title: z.string(), open: z.boolean(), classifications: z.int(), lastClassifiedAt: time })),
});
/**
 * The caller's record in one workflow, as `GET /account/workflows/:workflowId` gives it: how many classifications they
 * made in it (on every device, and as the guest whose work a sign-in carried in), and whether the account has seen its
 * tutorial (`PUT /account/tutorials-seen`; never for a guest, whose browser keeps that).
 */
export const accountWorkflowSchema = z.strictObject({ classifications: z.int(), tutorialSeen: z.boolean() });
/** An email just proved to be its account's (and, after a change of email, now the one it signs in with). */
export const verifiedEmailSchema = z.strictObject({ email: z.string() });

export const workflowStatusSchema = z.enum(['draft', 'active', 'paused', 'finished']);
/**
 * `complete`: the workflow has subjects and every one is retired (gold standard aside), and no workflow that feeds it
 * (effects) has subjects left to classify: nothing is left to classify, and nothing more will come.
 */
export const workflowSummarySchema = z.strictObject({ id, name: z.string(), status: workflowStatusSchema, version: z.int(), complete: z.boolean() });

export const projectStatusSchema = z.enum(['draft', 'live', 'paused', 'finished']);
/** The statuses of the projects everyone sees in the list (unless taken down): a paused one serves no subjects, so only its members see it there. */
export const LISTED_PROJECT_STATUSES = ['live', 'finished'] as const satisfies readonly z.infer<typeof projectStatusSchema>[];
export const projectRoleSchema = z.enum(['owner', 'collaborator', 'scientist', 'moderator', 'reviewer']);
/** Roles that may change a project's subjects and workflows, and download its data. */
export const RESEARCHER_ROLES: readonly z.infer<typeof projectRoleSchema>[] = ['owner', 'collaborator', 'scientist'];
/**
 * Roles that moderate what volunteers send: they read the subjects volunteers reported (and retire one, with a
 * reason), and take down a tag proposed for a subject. Moderators do that and no more; researchers too.
 */
export const MODERATION_ROLES: readonly z.infer<typeof projectRoleSchema>[] = [...RESEARCHER_ROLES, 'moderator'];
/**
 * Roles that check the consensus (as Concordia's and FromThePage's trusted volunteers check transcriptions): they list
 * a workflow's results and approve or correct a task's consensus, never of a subject they classified themselves.
 * Reviewers do that and no more; researchers too.
 */
export const REVIEW_ROLES: readonly z.infer<typeof projectRoleSchema>[] = [...RESEARCHER_ROLES, 'reviewer'];
/** Roles that administer a project: its members, details and status. */
export const ADMINISTRATOR_ROLES: readonly z.infer<typeof projectRoleSchema>[] = ['owner', 'collaborator'];
/**
 * The roles a project's administrators give (inviting someone, or changing a member's): a project has one owner, its
 * creator, until they hand it over.
 */
export const GIVEN_ROLES = ['collaborator', 'scientist', 'moderator', 'reviewer'] as const satisfies readonly z.infer<typeof projectRoleSchema>[];
/**
 * A project's About pages (Zooniverse's Research, The Team, Results, Education and FAQ), in the order they are shown:
 * each Markdown its owner and collaborators write, shown as a tab of the project's About once it has content.
 */
export const ABOUT_PAGE_KINDS = ['research', 'team', 'results', 'education', 'faq'] as const;
export const aboutPageKindSchema = z.enum(ABOUT_PAGE_KINDS);
/**
 * The most characters of a Markdown text researchers write for volunteers to read on a page: a project's description,
 * a news item's body, an About page (the parser's time grows with the square of some texts' length).
 */
export const MARKDOWN_LENGTH = 20_000;
export const projectViewSchema = z.strictObject({
  id,
  slug: z.string(),
  title: z.string(),
  description: z.string().meta({ description: 'Markdown (CommonMark; raw HTML is not shown), as its researchers wrote it' }),
  fieldGuide: z.string(),
  aboutPages: z.array(aboutPageKindSchema).meta({ description: 'Its About pages with content (GET /projects/:id/pages), in their order: research, team, results, education, faq; none when it has none' }),
  language: z.string().meta({ description: 'The language its researchers write its text in (BCP 47, `en` unless set): of its title, description, field guide, tutorial and workflows’ words, which the classifier marks with it (`lang`)' }),
  status: projectStatusSchema,
  imageUrl: z.string().nullable().meta({ description: 'Its image (https), shown on its cards and its page; null: none' }),
  imageAlt: z.string().nullable().meta({ description: 'What its image shows, in its researchers’ words, for those who cannot see it (the image’s `alt`); null when it has no image' }),
  resultsPublic: z.boolean().meta({ description: 'It publishes its finished subjects’ results (each task’s consensus, or the answer a review settled on) to volunteers and the public, without signing in: GET /projects/:id/subjects/:subjectId/results, GET /workflows/:id/subjects/:subjectId/result and, a set’s transcriptions as a document, GET /subject-sets/:id/published-text. False unless its owner or a collaborator turns it on' }),
  imageRemovedAt: time.nullable().meta({ description: 'When the operators of this Chorus removed its image (null: they did not, or its administrators set another since; null too for anyone but its members)' }),
  imageRemovedReason: z.string().nullable().meta({ description: 'Why the operators removed its image, in their words (null when imageRemovedAt is)' }),
  ownerId: id,
  role: projectRoleSchema.nullable().meta({ description: "The caller's role in the project (null: not a member)" }),
  takenDownAt: time.nullable().meta({ description: 'When the operators of this Chorus took the project down (null: it is not): it is then its members\' only, whatever its status' }),
  takenDownReason: z.string().nullable().meta({ description: 'Why the operators took it down, in their words (null when it is not taken down)' }),
  cameWithChorus: z.boolean().meta({ description: 'The demo project Chorus makes on its first start (DEMO_PROJECT), given to the first verified account to make a project of its own' }),
  createdAt: time,
  updatedAt: time,
  /** The workflows the caller may see. */
  workflows: z.array(workflowSummarySchema).meta({ description: 'To volunteers its active and finished workflows, to its members all' }),
  openReports: z
    .strictObject({
      comments: z.int().min(0).meta({ description: 'Reported comments still shown whose reports nobody dismissed: the open list of GET /projects/:id/reported-comments' }),
      subjects: z.int().min(0).meta({ description: 'Reported subjects, per workflow, not taken down there whose reports nobody dismissed: the open lists of GET /workflows/:id/reported-subjects, added up' }),
      subjectWorkflows: z.array(id).meta({ description: 'The workflows whose open lists of reported subjects are not empty (their ids, in order): where the lab links to them' }),
    })
    .nullable()
    .meta({ description: 'What waits for the project’s moderators: given to its moderators and researchers (`MODERATION_ROLES`) only, null for anyone else' }),
});
/** A project taken down by the operators of this Chorus (`PUT /projects/:id/take-down`). */
export const projectTakeDownSchema = z.strictObject({ projectId: id, takenDownAt: time, takenDownReason: z.string() });
/** What an account's fields may hold, as the API checks them and the classifier's forms limit them. */
export const ACCOUNT_LIMITS = { emailLength: 320, passwordMinLength: 8, passwordMaxLength: 200, displayNameLength: 100 } as const;

/**
 * Personal API keys: the prefix of every key's secret (a key is told from a session's token by it), and the limits of
 * `POST /account/api-keys`. A key expires `defaultDays` after it is made unless it names another moment, at most
 * `maxDays` away; an account has at most `perAccount` keys in force (neither revoked nor expired).
 */
export const API_KEY_PREFIX = 'chorus_';
export const API_KEY_LIMITS = { nameLength: 100, perAccount: 20, defaultDays: 90, maxDays: 365 } as const;
/** How many characters of a key's secret, after `API_KEY_PREFIX`, its `prefix` shows: enough to tell an account's keys apart, never to guess one. */
export const API_KEY_SHOWN_CHARACTERS = 4;
/**
 * What a personal API key may do, each a part of the one before: `full`, all its account may (but what needs a
 * session); `read`, only safe requests (GET and HEAD), download links too; `downloads`, only the downloads of consensus
 * and classifications, the links to them, the projects and their workflows (to find what to download), the look-ups of
 * what their columns name (the workflow, its versions, the project's subject sets) and `GET /account`, which names the
 * key. A key is `full` unless made with another.
 */
export const API_KEY_SCOPES = ['full', 'read', 'downloads'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];
/** What each scope lets a key do, as OpenAPI, refusals and the account page say it. */
export const API_KEY_SCOPES_IN_WORDS: Record<ApiKeyScope, string> = {
  full: 'everything the account may do but what needs a signed-in session',
  read: 'only GET and HEAD requests (but the queue, which holds subjects) and download links',
  downloads: 'only the downloads of consensus and classifications, the links to them, the projects and their workflows (to find what to download), the workflow, its versions and the project’s subject sets their columns name, GET /account, and the account’s own classifications and comments (GET /account/classifications.csv, GET /account/comments.csv) and their links',
};
const scopeSchema = z.enum(API_KEY_SCOPES).meta({
  description: `What the key may do: ${API_KEY_SCOPES.map((scope) => `\`${scope}\`, ${API_KEY_SCOPES_IN_WORDS[scope]}`).join('; ')}`,
});
/** An account's API key as listed: never its secret, which is shown once, when it is made. */
export const apiKeyViewSchema = z.strictObject({
  id,
  name: z.string(),
  scope: scopeSchema,
  prefix: z
    .string()
    .nullable()
    .meta({ description: `The secret's first characters (\`${API_KEY_PREFIX}\` and ${API_KEY_SHOWN_CHARACTERS} more: \`${API_KEY_PREFIX}AbC1\`), to tell which key a script holds; null for a key made before Chorus kept them` }),
  createdAt: time,
  expiresAt: time,
  /** The last minute it was used in (null: never); written at most once a minute. */
  lastUsedAt: time.nullable(),
});
export const apiKeyListSchema = z.strictObject({ apiKeys: z.array(apiKeyViewSchema) });
/** A key just made, with its secret: `Authorization: Bearer <secret>`. Shown this once; Chorus keeps only a digest of it. */
export const newApiKeySchema = apiKeyViewSchema.extend({ secret: z.string().startsWith(API_KEY_PREFIX) });

/**
 * The caller's own account (or guest), as `GET /account` gives it; `apiKey`, the personal API key the request was made
 * with (so that a script can see when its key expires), null with a session's token.
 */
export const accountViewSchema = userViewSchema.extend({
  language: z.enum(LANGUAGES).nullable().meta({
    description: 'The language Chorus mails the account in (`en`, `fr`, `de`): named at sign-up, or by the browser it signed up from, and changed with PATCH /account; null when none was (its mails are in English, an invitation to it in the inviting project’s language), and always for a guest',
  }),
  creditedName: z.string().nullable().meta({
    description: 'The name projects’ acknowledgements credit the account under (GET /projects/:id/contributors); null: its display name. Always null for a guest',
  }),
  namedInAcknowledgements: z.boolean().meta({
    description: 'The account agreed to be named in the acknowledgements of the projects it classified in (its credited name, its classifications there); false until it says yes, and always for a guest',
  }),
  discussionMails: z.boolean().meta({
    description: 'The account is mailed, at its verified email and in its language, when someone replies to one of its comments or mentions it (`@name`, or `@team` on a project’s team) in a discussion it may read; false until it asks for it, and always for a guest',
  }),
  followedDiscussionMails: z.boolean().meta({
    description: 'The account is mailed, at its verified email and in its language, of each new comment in the discussions it follows (`discussion` notifications), apart from `discussionMails`; false until it asks for it, and always for a guest',
  }),
  reportMails: z.boolean().meta({
    description: 'The account is mailed, at its verified email and in its language, when a volunteer reports a comment or subject in a project it moderates or researches (how many reports are open, at most once an hour per project); true for accounts made since 2026-12-07 and for those that then moderated or researched a project, false for the others, until it is changed; always false for a guest',
  }),
  moderates: z.boolean().meta({
    description: 'The account moderates or researches at least one project now (owner, collaborator, scientist or moderator): its reports may be mailed to it (`reportMails`), and the account page shows that setting only then; always false for a guest',
  }),
  researches: z.boolean().meta({
    description: 'The account researches at least one project now (`RESEARCHER_ROLES`: owner, collaborator or scientist): its projects’ completed workflows may be mailed to it (`completionMails`), and the account page shows that setting only then; always false for a guest',
  }),
  completionMails: z.boolean().meta({
    description: 'The account is mailed, at its verified email and in its language, when a workflow of a project it researches (`RESEARCHER_ROLES`) completes (`workflow-complete` notifications), with a link to the workflow’s downloads in the lab; true until it is changed; always false for a guest',
  }),
  volunteerCompletionMails: z.boolean().meta({
    description: 'The account is mailed, at its verified email and in its language, when a workflow it classified in completes (`workflow-complete` notifications, given either way); false until it asks for it, and always for a guest',
  }),
  display: displaySchema
    .nullable()
    .meta({
      description:
        'How the classifier shows itself to the account on every device it signs in on: `theme` `device` (light or dark as the device is set), `light` or `dark`, and `textSize` `normal`, `large` or `larger`; null until its volunteer chooses (each device then shows as it is set), and always for a guest (its browser keeps its choice)',
    }),
  publicProfile: z.boolean().meta({
    description: 'The account shows its public profile (GET /volunteers/:id: its display name, the month it joined, its public collections and its recent comments), and its name links there from its comments and collections; false until its volunteer turns it on, and always for a guest',
  }),
  createdAt: time,
  apiKey: apiKeyViewSchema.nullable().meta({ description: 'The personal API key the request was sent with (its id, name, scope, prefix, when it expires and was last used); null with a session’s token' }),
});

/**
 * The most a search may be, of the project list (`GET /projects?search=`) or of a project's comments (`q`): a few
 * words, at most `words` different ones (`searchWordsOf`), each one more condition on every title or comment read.
 */
export const SEARCH_LIMITS = { length: 200, words: 8 } as const;
/** The different words of a search, whatever their case: at most `SEARCH_LIMITS.words`. */
export const searchWordsOf = (q: string) => [...new Set(q.trim().toLowerCase().split(/\s+/))];
/** How much of a description the project list gives: a card's worth (the whole is in `GET /projects/:id`). */
export const LISTED_DESCRIPTION_LENGTH = 300;
/** A project as the list gives it: without its field guide and About pages, and only the opening of its description's plain text. */
export const projectSummarySchema = projectViewSchema.omit({ fieldGuide: true, aboutPages: true }).extend({
  description: z.string().meta({
    description: `Its description's plain text (the words its Markdown shows, each block on a line), at most its first ${LISTED_DESCRIPTION_LENGTH} characters, ending in "…" when cut`,
  }),
});
/** A page of the project list, newest first; `next`: the `before` of the page after, null on the last. */
export const projectListSchema = z.strictObject({
  projects: z.array(projectSummarySchema),
  next: z.string().nullable().meta({ description: 'Send as `before` for the page after this one; null on the last page' }),
});

/** The languages of the listed projects (live and finished, not taken down), each with how many, most first. */
export const projectLanguagesSchema = z.strictObject({
  languages: z.array(
    z.strictObject({
      language: z.string().meta({ description: 'A language tag (BCP 47) as a project gives it; tags differing only in case are one' }),
      projects: z.number().int().meta({ description: 'How many listed projects are written in it or in one of its varieties (`fr`: `fr`, `fr-CA`…): as many as `language` finds in GET /projects' }),
    }),
  ),
});

/** A project member: an account, and its role in the project. */
export const memberViewSchema = z.strictObject({ userId: id, displayName: z.string(), email: z.string().nullable(), role: projectRoleSchema });
export const memberListSchema = z.strictObject({ members: z.array(memberViewSchema) });
export const memberRemovedSchema = z.strictObject({ removed: id });
/** An invitation to join a project in a role, addressed to an email, as the project's researchers see it. */
export const invitationViewSchema = z.strictObject({ email: z.string(), role: projectRoleSchema, invitedAt: time });
export const invitationListSchema = z.strictObject({ invitations: z.array(invitationViewSchema) });
/** An invitation addressed to the caller's email, to accept or decline. */
export const ownInvitationSchema = z.strictObject({ projectId: id, projectSlug: z.string(), projectTitle: z.string(), role: projectRoleSchema, invitedAt: time });
export const ownInvitationListSchema = z.strictObject({ invitations: z.array(ownInvitationSchema) });

export const subjectSetViewSchema = z.strictObject({ id, name: z.string(), projectId: id });
/** What deleting a subject set did to its subjects: those kept are in another set too, or were classified. */
export const subjectSetDeletedSchema = z.strictObject({ deletedSubjects: z.int(), keptSubjects: z.int() });
export const subjectSetListSchema = z.strictObject({
  subjectSets: z.array(
    z.strictObject({
      id,
      name: z.string(),
      subjects: z.int(),
      routedBy: z.array(z.strictObject({ id, name: z.string() })).meta({
        description: 'The workflows whose current version has an effect that adds subjects to the set (routing), the oldest first, whatever their status (a finished one\'s routed subjects are still in the set; a draft\'s definition already names it): a workflow the set is linked to is fed by them',
      }),
    }),
  ),
});
/** A subject as its researchers see it: every metadata key (private ones too) and its known answers. */
export const researcherSubjectSchema = z.strictObject({
  id,
  externalId: z.string().nullable(),
  locations: z.array(subjectLocationSchema),
  metadata: z.record(z.string(), z.unknown()),
  goldStandard: z.record(z.string(), z.unknown()).nullable(),
});
/** A page of a set's subjects in the set's order; `next` asks for the page after (null after the last). */
export const subjectPageSchema = z.strictObject({ subjects: z.array(researcherSubjectSchema), next: z.string().nullable() });
/** What a request did that its author may not have meant, each named by the field it is about. */
const warningsSchema = z.array(z.strictObject({ pointer: z.string(), message: z.string() }));


/**
 * What one upload of subjects (`POST /subject-sets/:id/subjects`) may hold: `subjects` (all or nothing), and, unless
 * the installation sets another `BODY_LIMIT_BYTES` (a 413's `limitBytes` says it), `bytes`. The lab sends a longer
 * table in parts within both.
 */
export const SUBJECT_UPLOAD_LIMITS = { subjects: 10_000, bytes: 16 * 1024 * 1024 } as const;

/** What a correction of a subject's locations may say of itself, as the API checks it and the lab's form limits it. */
export const SUBJECT_CORRECTION_LIMITS = { reasonLength: 500 } as const;
/**
 * A subject whose locations a researcher corrected (the same content at a new address): its locations now, and the
 * correction recorded, null when the addresses sent were those it had (nothing recorded; an image's `alt` sent is
 * taken all the same).
 */
export const subjectCorrectedSchema = z.strictObject({
  subjectId: id,
  locations: z.array(subjectLocationSchema),
  correction: z
    .strictObject({
      previousLocations: z.array(subjectLocationSchema).meta({ description: 'The locations it replaced, which the classifications stored before it were shown' }),
      reason: z.string(),
      correctedBy: id,
      correctedAt: time,
    })
    .nullable(),
});
/** A subject whose images a researcher described (`PUT /subjects/:id/image-descriptions`): its locations now. */
export const subjectImagesDescribedSchema = z.strictObject({ subjectId: id, locations: z.array(subjectLocationSchema) });
/** One recorded correction of a subject's locations, as its history lists them. */
export const locationChangeSchema = z.strictObject({
  id,
  correctedAt: time,
  correctedBy: id.nullable().meta({ description: 'The researcher who made it, by user id (null once no account has that id)' }),
  correctedByName: z.string().nullable().meta({ description: "Their display name now ('Deleted account' once they deleted it)" }),
  reason: z.string(),
  previousLocations: z.array(subjectLocationSchema).meta({ description: 'The locations it replaced, which the classifications stored before it were shown' }),
  locations: z.array(subjectLocationSchema).meta({ description: 'The locations it gave the subject (a later correction may have replaced them)' }),
});
/** A page of a subject's corrections, newest first; `next` asks for the page after (null after the last). */
export const locationChangePageSchema = z.strictObject({ changes: z.array(locationChangeSchema), next: z.string().nullable() });
/**
 * An upload: how many subjects were new (`created`), how many were already in the project by externalId (`existing`,
 * of which `updated` took the new metadata sent), how many joined this set now (`addedToSet`: the new ones, and those
 * of the project that were in other sets only), how many of their images have no description, and all their ids in order.
 */
export const subjectsAddedSchema = z.strictObject({
  created: z.int(),
  existing: z.int(),
  addedToSet: z.int().meta({ description: 'Subjects that joined this set with this upload (the rest were in it already)' }),
  updated: z.int(),
  imagesWithoutAlt: z.int().meta({
    description: "Images of the subjects uploaded that have no description (`alt`, as stored): screen readers name them only by their subject's title (never its externalId). The warning says how this kind of upload describes them",
  }),
  corrected: z.int().meta({ description: 'With replaceLocations=true: subjects already in the project whose locations took the new addresses sent' }),
  subjectIds: z.array(id),
  manifests: z
    .array(z.strictObject({ id: z.string().nullable(), label: z.string().nullable(), subjects: z.int() }))
    .optional()
    .meta({ description: 'A IIIF upload’s manifests (one, those of a list, or those a collection embeds), in order: each by its id and label, and how many subjects its canvases gave' }),
  repeatedManifests: z
    .int()
    .optional()
    .meta({ description: 'A IIIF upload that named a manifest more than once (a collection listing it twice, directly or through nested collections): how many repeats were left out, each manifest taken where it first appears' }),
  warnings: warningsSchema.optional().meta({
    description: 'When images have no description (`alt`): how many, and how to give them one; for a CSV file, the column read as external_id (`subject_id`), or that it has none (sent again, its rows are added again)',
  }),
});

/** A whole workflow's re-aggregation, run by the worker; `progress` counts subjects done of the total. */
export const reaggregationRunSchema = z.strictObject({
  id: z.string(),
  runId: z.string().meta({
    description: "The run's own id, which outlives the job: follow the run by it (GET /workflows/:id/reaggregations/:run takes it as long as the list keeps the run; the job number `id` starts again at 1 once Redis loses its keys): the run this request is, or joined",
  }),
  workflowId: id,
  scope: z.enum(['all', 'unretired']),
  /** BullMQ's job state, or `unknown`. */
  state: z.enum(['waiting', 'waiting-children', 'active', 'delayed', 'prioritized', 'completed', 'failed', 'unknown']),
  progress: z.strictObject({ done: z.int(), total: z.int(), after: z.string().nullable() }).nullable(),
  failedReason: z.string().optional(),
});

/**
 * A re-aggregation in the workflow's list of runs: who asked for it (or saved the version that started it; null:
 * Chorus itself, after the skills it re-learned moved, or to restart a lost run), when, when it started and ended (null: not yet), and the subjects it recomputed once
 * completed. `state` is the queue's while it waits or runs, then `completed` or `failed` (or `lost`, with a `note`).
 */
export const reaggregationRecordSchema = reaggregationRunSchema.omit({ runId: true }).extend({
  id: z.string().meta({ description: "The run's own id" }),
  state: z.enum([...reaggregationRunSchema.shape.state.options, 'lost']).meta({
    description: "The queue's state while it waits or runs, then `completed` or `failed`; `unknown` while Redis does not answer; `lost` when the queue answered that it has no job for a run not ended (Redis lost its keys, before the run started or while it ran)",
  }),
  note: z.string().optional().meta({ description: 'For a lost run: what became of it (Chorus starts a run of every subject again by itself; one of the unretired subjects must be asked for again, unless a later run answers it)' }),
  replacedBy: z.string().nullable().optional().meta({
    description: "For a lost run: the own id of the first run started after it was asked for that covers its subjects (for a run of every subject, the reconciler's), or null while there is none",
  }),
  jobId: z.string().nullable().meta({
    description:
      "Its job (BullMQ's job number), to follow at GET /workflows/:id/reaggregations/:run (null while it waits for the run under way to end); only while the number names this run alone: BullMQ numbers jobs from 1 again once Redis loses its keys, and a number reused for a later run answers 410 `job-number-reused`, so follow a run by its own id (`id` here, the `runId` a request answered)",
  }),
  requestedBy: personSchema.nullable(),
  reason: z.enum(['completion']).nullable().meta({
    description: 'Why Chorus started it itself, when not for the skills it re-learned: `completion`, the workflow (weighing answers by skill) completed or was finished, and every subject is recomputed with the final skills. Null otherwise',
  }),
  requestedAt: time,
  startedAt: time.nullable(),
  finishedAt: time.nullable(),
  subjects: z.int().nullable(),
  routedOut: z.int().nullable().meta({
    description:
      'Of the subjects it recomputed, once completed: those that left a subject set this workflow’s effects had put them in, their consensus no longer meeting the effect (they left the queues of the workflows that set feeds, their answers there kept)',
  }),
});
export const reaggregationListSchema = z.strictObject({ runs: z.array(reaggregationRecordSchema) });
export const reaggregationRunOrRecordSchema = z.union([reaggregationRecordSchema, reaggregationRunSchema]);


/** A workflow created or given a new version; a new version of a classified workflow also starts its re-aggregation. */
export const workflowSavedSchema = z.strictObject({
  id,
  version: z.int(),
  reaggregation: reaggregationRunSchema.optional(),
  warnings: warningsSchema
    .optional()
    .meta({
      description:
        'What the new version does to the answers already given (answers no longer offered, free tags once the vocabulary is closed, tasks gone, a rule that retires sooner; not limits set for new answers, which earlier answers are not held to), and what the definition may not do as meant (a retirement rule on a task a branch leads past), each named by its field',
    }),
});
/** A workflow's copy (`POST /workflows/:id/copies`): a new draft workflow, and what of the source's definition it left out. */
export const workflowCopySchema = workflowSavedSchema.extend({
  projectId: id.meta({ description: 'The project the copy is in: the source’s, or the one asked for' }),
  subjectSetIds: z.array(id).meta({ description: 'The subject sets it serves: the source’s in the same project (unless `linkSubjectSets` was false), none in another project, whose sets are its own' }),
  dropped: z
    .array(z.strictObject({ pointer: z.string(), subjectSetId: id }))
    .meta({
      description:
        'What of the copied version’s definition names a subject set the copy cannot use, left out (pointers into that version): `/effects/<i>` moving subjects into a set not of the copy’s project (another project’s, or one deleted since) or one the copy serves, `/selection/training` and `/selection/setWeights/<set id>` naming a set it does not serve',
    }),
});
export const workflowViewSchema = workflowSummarySchema.extend({ projectId: id, definition: workflowDefinitionSchema, subjectSetIds: z.array(id) });
export const workflowVersionViewSchema = z.strictObject({ id, version: z.int(), definition: workflowDefinitionSchema, createdAt: time });
/**
 * A version in a workflow's history (`GET /workflows/:id/versions`), which its team reads: what it changed from the
 * version before (`changes`, null for the first) says in short what the save of a new version says at length.
 */
export const workflowVersionSummarySchema = z.strictObject({
  version: z.int(),
  createdAt: time.meta({ description: 'When it was saved (the first: when the workflow was created)' }),
  createdBy: personSchema.nullable().meta({ description: 'The researcher who saved it (their display name, never their email); null for a version saved before authors were recorded' }),
  classifications: z.int().meta({ description: 'Classifications made under it that the workflow’s progress counts (not its team’s tries in draft): the versions’ add up to `classifications` of its stats' }),
  changes: z
    .strictObject({
      fields: z.array(z.string()).meta({
        description: 'The parts of the definition that differ from the version before, each by its JSON pointer: `/name`, `/retirement`, `/selection`, `/effects`, `/tutorial`, `/feedback`, `/firstTask`, or `/tasks/<key>` for a task added, changed or gone',
      }),
      consensus: z.boolean().meta({
        description: 'Whether consensus, retirement or effects could come out otherwise under it (not for words, serving, or limits set for new answers only): a new version of a classified workflow that does starts a re-aggregation',
      }),
      warnings: warningsSchema.meta({ description: 'What it does to the answers already given, each named by its field: the `warnings` of the save, about the version before' }),
      sameAs: z.int().nullable().meta({
        description: 'The newest earlier version whose definition it has again, as when a researcher makes an earlier version current again (PUT /workflows/:id with its definition); null when it has a definition of its own',
      }),
    })
    .nullable()
    .meta({ description: 'What it changed from the version before; null for the first version' }),
});
export const workflowVersionListSchema = z.strictObject({ versions: z.array(workflowVersionSummarySchema).meta({ description: 'Every version, the newest first' }) });
/** A day's figures of `GET /projects/:id/activity`. */
const activityDaySchema = z.strictObject({
  date: z.iso.date().meta({ description: 'The day, in the time zone asked for (`timeZone`)' }),
  classifications: z.int().meta({ description: 'Classifications made that day, the team’s tries while a workflow was a draft left out (as `classifications` of the workflow stats)' }),
  volunteers: z.int().meta({ description: 'Volunteers (guests among them) who made them, each counted once' }),
  newVolunteers: z.int().meta({ description: 'Of the volunteers, those whose first classification in the project (or the workflow asked for) was that day' }),
  retired: z.int().meta({ description: 'Subjects retired that day and retired still (as `retired` of the workflow stats counts them)' }),
});

/** The days an activity is of, in the zone asked for. */
const activityRangeShape = {
  from: z.iso.date(),
  to: z.iso.date(),
  timeZone: z.string().meta({ description: 'The IANA time zone whose days the rows are' }),
};

/** `GET /projects/:id/activity`: a project's (or one of its workflows') figures per day. */
export const projectActivitySchema = z.strictObject({
  ...activityRangeShape,
  workflowId: z.uuid().nullable().meta({ description: 'The workflow asked for; null for the whole project' }),
  days: z.array(activityDaySchema).meta({ description: 'One row per day from `from` to `to`, the oldest first; days with nothing are zeros' }),
  totals: z.strictObject({
    classifications: z.int(),
    volunteers: z.int().meta({ description: 'Volunteers over the whole range, each counted once (not the sum of the days)' }),
    newVolunteers: z.int(),
    retired: z.int(),
  }),
});

/** `GET /account/activity`: the caller's own classifications per day. */
export const ownActivitySchema = z.strictObject({
  ...activityRangeShape,
  projectId: z.uuid().nullable().meta({ description: 'The project asked for; null for every project' }),
  days: z
    .array(
      activityDaySchema.pick({ date: true }).extend({
        classifications: z.int().meta({ description: 'Classifications the caller made that day (those a sign-in carried in from a guest too)' }),
      }),
    )
    .meta({ description: 'One row per day from `from` to `to`, the oldest first; days with nothing are zeros' }),
  totals: z.strictObject({ classifications: z.int() }),
});

/** `held`: unretired subjects out with volunteers now (outstanding assignments), which the queue serves to nobody else beyond their rule's need. */
export const workflowStatsSchema = z.strictObject({
  subjects: z.int(),
  retired: z.int(),
  goldStandard: z.int().meta({ description: 'Of the subjects, those with known answers: never retired by the retirement rule (only taken down, when volunteers reported one), so the workflow is complete when every other one is' }),
  held: z.int().meta({ description: 'Unretired subjects that volunteers hold now (served to them, not yet classified, not expired)' }),
  classifications: z.int().meta({ description: 'Classifications counted: not the team’s tries while the workflow was a draft (`draftTries`)' }),
  volunteers: z.int().meta({ description: 'Volunteers who made the classifications counted (a team member who only tried the draft is not one)' }),
  draftTries: z.int().meta({
    description: 'Classifications made while the workflow was a draft (its team trying it, made_in_draft in the raw download): kept, counted toward nothing',
  }),
  reaggregating: z.boolean().meta({
    description: 'A whole re-aggregation (a new version’s, or asked for) has not finished yet: the consensus does not all follow the current rules',
  }),
  asOf: time.meta({
    description: 'When the figures were read (the database’s clock, to the microsecond): `DELETE /workflows/:id/holds?asOf=` with it ends only the holds taken by then, those `held` counts',
  }),
  comingFrom: z
    .array(z.string())
    .optional()
    .meta({ description: 'When every subject it has is retired (gold standard aside), or it has none: the names of the workflows that may still send it subjects, as the queue says them' }),
  feedersPaused: z.literal(true).optional().meta({ description: 'With `comingFrom`, when every one of those workflows is paused, as the queue says it' }),
});

export const queuedSubjectSchema = z.strictObject({
  id,
  externalId: z.string().nullable().meta({ description: "The researchers' id of the subject (gold-standard ones too: give those ids that do not give them away)" }),
  locations: z.array(subjectLocationSchema),
  /** Metadata whose keys do not start with `#`, `//` or `!` (hidden from volunteers, as on Zooniverse). */
  metadata: z.record(z.string(), z.unknown()),
  takenDown: z
    .literal(true)
    .optional()
    .meta({
      description:
        "The project's team took it down (a take-down in one of the project's workflows, by a moderator or a researcher who asked for one: personal data, sensitive content): to anyone not on the team (moderators and researchers) it comes without locations, metadata or externalId, and its discussion takes no new comments nor edits of those made; the team sees it all. Absent otherwise (the queue never serves such a subject)",
    }),
});
/**
 * A page next to the one a volunteer works on, as the queue would show it (never taken down: such a page is skipped),
 * without its id: a volunteer may classify any subject of the workflow, so ids would let them walk the whole collection.
 */
export const neighbourPageSchema = queuedSubjectSchema.omit({ id: true, takenDown: true }).extend({
  page: z.int().meta({ description: 'Its place in the subject set (1 for the first), counting the pages shown (not those taken down)' }),
});

export const neighbourPagesSchema = z.strictObject({
  subjectSetId: id.meta({ description: 'The subject set of the pages: the one `?subjectSetId=` names if it has the subject, else the one the workflow serves the subject from (the first of its linked sets that has it)' }),
  page: z.int().meta({ description: 'The subject’s own place in that set (1 for the first): "page 4 of 20"' }),
  pages: z.int().meta({ description: 'How many pages the set shows: its members, those taken down left out' }),
  previous: neighbourPageSchema.nullable().meta({ description: 'The page before it in the set’s order; null at the first' }),
  next: neighbourPageSchema.nullable().meta({ description: 'The page after it in the set’s order; null at the last' }),
});

/** The subject sets volunteers may choose to work on in a workflow (`volunteersChooseSubjectSet`), in its order. */
export const choosableSetsSchema = z.strictObject({
  sets: z
    .array(
      z.strictObject({
        id,
        name: z.string(),
        subjects: z.int().meta({ description: 'Its subjects in the workflow, gold-standard ones aside' }),
        left: z.int().meta({ description: 'Of those, the ones not yet retired: left to classify, for everyone (0: the set is done)' }),
      }),
    )
    .meta({ description: 'Empty when the workflow does not let volunteers choose a subject set' }),
});

/** The most subjects one request may name to hold again (`renew`) or give back: a page's worth and more. */
export const MOST_HELD_NAMED = 100;
export const queueViewSchema = z.strictObject({
  workflowId: id,
  workflowVersion: z.int(),
  /** Each one an outstanding assignment of the caller's, never repeated in a later batch. */
  subjects: z.array(queuedSubjectSchema),
  /** True when nothing is left for the caller; `reason` says why. */
  finished: z.boolean(),
  reason: z
    .enum(['seen-everything', 'workflow-finished', 'project-finished', 'set-finished'])
    .optional()
    .meta({
      description:
        '`seen-everything`: the caller has classified (or holds) every subject left to them; `workflow-finished`: every subject is retired (or the workflow was finished); `project-finished`: its researchers finished the project, whatever answers its subjects have; `set-finished` (with `subjectSetId`): the subject set the caller chose has nothing left to them, but others of the workflow have (`GET /workflows/:id/queue/sets`); when the workflow has none left either, its own reason comes instead',
    }),
  retired: z
    .strictObject({
      byConsensus: z.int().meta({ description: 'Subjects its retirement rule retired: they have the answers they need' }),
      byResearchers: z.int().meta({ description: 'Subjects its researchers retired (by id or by set), or took out of it with their set' }),
      lastBy: z.enum(['consensus', 'researchers']).meta({ description: 'Who retired the last of them: the rule (`consensus`) or the researchers' }),
    })
    .optional()
    .meta({
      description:
        'With `reason: workflow-finished` when every subject of the workflow is retired (not when its researchers finished it): who retired them, so that a page tells the volunteer whether the subjects have the answers they need or the research team took the remaining ones out. Gold-standard subjects, which the retirement rule never retires (only a report’s taking down), are not counted',
    }),
  /**
   * Nothing can be served now but more may come (others hold the last subjects, their rows are locked for a moment,
   * they wait for the worker to retire them, or workflows that feed this one have yet to retire theirs): ask again
   * after this.
   */
  retryAfterSeconds: z.int().optional(),
  /**
   * With `retryAfterSeconds`, who holds the last subjects the caller could be given: `you` when the caller has
   * subjects outstanding (another tab, device or earlier visit of theirs), else `others`; absent when nobody does
   * (their rows are locked for a moment, or they wait for the worker to retire them) and with `comingFrom`.
   */
  heldBy: z.enum(['you', 'others']).optional(),
  heldUntil: time.optional().meta({
    description:
      'With `heldBy: you`: when the first of the caller\'s holds of those subjects lapses, and the queue serves it again (unless renewed; `POST /workflows/:id/queue/release` with `{ "all": true }` gives them all back at once)',
  }),
  comingFrom: z
    .array(z.string())
    .optional()
    .meta({
      description:
        "With `retryAfterSeconds`, when nothing is left to the caller now: the names of the project's workflows that may still send this one subjects (their effects add the subjects they retire to its sets): active or paused ones with subjects left to classify",
    }),
  feedersPaused: z
    .literal(true)
    .optional()
    .meta({
      description:
        'With `comingFrom`, when every one of those workflows is paused: volunteers finish none of their subjects there (a retirement the worker still owes may yet route one), and more come only once their researchers go on with one (`POST /workflows/:id/activate`); the queue still asks to be asked again after `retryAfterSeconds`',
    }),
});

/** What `POST /workflows/:id/queue/holds` kept: the subjects named that the caller still held, now held until `expiresAt`. */
export const holdsRenewedSchema = z.strictObject({
  held: z.array(id).meta({ description: 'Of the subjects named, those the caller still held (a hold within 10 s of lapsing is left to lapse)' }),
  gone: z.array(id).meta({ description: 'Of the subjects named, held or not, those the workflow no longer asks the caller for: retired, no longer in it, or classified by the caller meanwhile (on another device, or as a guest whose work a sign-in carried): the caller’s holds of those ended with this renewal, but for `onScreen`’s (a page takes them out of what it will show, but for the one on screen)' }),
  expiresAt: time.nullable().meta({ description: 'When they lapse now, unless renewed again; null when none was held' }),
  corrected: z
    .array(z.strictObject({ id, locations: z.array(subjectLocationSchema) }))
    .meta({ description: 'Of the subjects named, those whose locations researchers have corrected (a new address of the same content), with their locations now, for a page to show instead of those it kept' }),
});

/** What `POST /workflows/:id/queue/release` ended: the subjects named (or, with `all`, any) that the caller held, back in the pool. */
export const holdsReleasedSchema = z.strictObject({ released: z.array(id) });

/** What `DELETE /workflows/:id/holds` ended: every volunteer's outstanding hold in the workflow. */
export const workflowHoldsEndedSchema = z.strictObject({
  released: z.int().meta({ description: 'Holds ended (one volunteer\'s hold on one subject each); 0 when none was outstanding, as on a second call' }),
  subjects: z.int().meta({ description: 'The unretired subjects they held (as `held` of `GET /workflows/:id/stats` counts them), back in the pool for any volunteer at once' }),
});

/** On a gold-standard subject of a workflow with `feedback`, sent after submitting: the known answer of one task. */
export const taskFeedbackSchema = z.strictObject({
  task: z.string(),
  /** The known answer, in the task's annotation format (what a volunteer would submit). */
  expected: z.unknown(),
  /** Whether the volunteer's answer matches it. */
  correct: z.boolean(),
});
/** A stored classification: 201 when new, 200 with the first answer when its idempotency key was used before. */
export const classificationStoredSchema = z.strictObject({
  id,
  /** Given when the classification is stored afresh (not on a replay). */
  currentVersion: z.int().optional().meta({ description: "The workflow's version now: when it is newer than the one submitted against, the next subjects are best shown under it" }),
  afterRetirement: z
    .literal(true)
    .optional()
    .meta({
      description:
        'The subject was retired before this classification came (it is kept, and flagged in the raw download): researchers may have retired others the caller holds, which POST /workflows/:id/queue/holds names as `gone`',
    }),
  paused: z
    .literal(true)
    .optional()
    .meta({
      description:
        'Stored, but the workflow or its project is paused by its researchers (the caller being no member): the queue serves no subjects until they resume it, so a page stops after this answer rather than at its next queue request. A replay says so too, as the workflow is now',
    }),
  feedback: z.array(taskFeedbackSchema).optional(),
});

/** One answer of a stored classification, as it was submitted (the annotation's format). */
export const annotationViewSchema = z.strictObject({
  task: z.string(),
  value: z.unknown(),
  unsure: z.literal(true).optional().meta({ description: 'The volunteer ticked “I’m not sure: ask the team to check this” on this transcription; left out when they did not' }),
});

/** One of the caller's own classifications: the subject as volunteers see it, and the answers given. */
export const ownClassificationSchema = z.strictObject({
  id,
  workflowId: id,
  workflowVersion: z.int(),
  createdAt: time,
  subject: queuedSubjectSchema,
  annotations: z.array(annotationViewSchema),
  project: z
    .strictObject({ id, slug: z.string(), title: z.string() })
    .nullable()
    .meta({
      description:
        'The project the classification was made in (its slug makes the addresses of its pages); null when the operators of this Chorus took it down (removed it from the public), for whoever is not its member: its subject then comes without its content (no externalId, locations or metadata) and `annotations` is empty, as nothing of that project is shown to the public',
    }),
  workflow: z.strictObject({ id, name: z.string() }).nullable().meta({ description: 'The workflow the classification was made in, as volunteers see it named; null when `project` is (the project taken down)' }),
  favourite: z.boolean().meta({ description: 'The caller has marked the subject a favourite (PUT /subjects/:id/favourite)' }),
  open: z.boolean().meta({
    description: 'The workflow is open to the caller now (published in a project open to volunteers, or one they are a member of); false once its project is taken back to draft: the classification stays theirs, listed with its project and workflow named, as their favourites there do, but not to classify more in until it opens again',
  }),
});
/**
 * The caller's classifications, newest first, and on the first page how many they have made in all (in the workflow
 * asked about); `next` asks for the page after (null after the last).
 */
export const ownClassificationListSchema = z.strictObject({
  total: z.int().optional().meta({ description: 'How many the caller has made in all (in the workflow asked about): on the first page only (no `after`), counted once for the list' }),
  classifications: z.array(ownClassificationSchema),
  next: z.string().nullable(),
});

/**
 * A subject the caller marked a favourite, as volunteers see it, with where they were shown it: the project and the
 * workflow, whose classify page `classifyUrl` is.
 */
export const favouriteSchema = z.strictObject({
  subject: queuedSubjectSchema,
  project: z.strictObject({ id, slug: z.string(), title: z.string() }),
  workflow: z.strictObject({ id, name: z.string() }),
  classifyUrl: z.string().meta({ description: "The classifier's page to classify in the workflow, from the server's root (/projects/<slug>/workflows/<id>): put the server's origin before it" }),
  favouritedAt: time,
  open: z.boolean().meta({
    description: 'The workflow is open to the caller now (published in a project open to volunteers, or one they are a member of); false once its project is taken back to draft: the favourite stays theirs, listed, as their classifications there do, but `classifyUrl` leads nowhere until it opens again',
  }),
});
/** The caller's favourites, the newest first; `next` asks for the page after (null after the last). */
export const favouritePageSchema = z.strictObject({ favourites: z.array(favouriteSchema), next: z.string().nullable() });

/**
 * How long a collection's name and description may be, how many collections an account and subjects a collection may
 * hold (as its owner sees it), and how many it may keep in all, those of projects closed to its owner since included.
 */
export const COLLECTION_LIMITS = { name: 100, description: 1000, perAccount: 100, subjects: 1000, stored: 2000 } as const;

/**
 * The id of a volunteer's public profile (GET /volunteers/:id), where their name is shown: null while they show none
 * (they did not turn it on, `publicProfile`, or deleted their account).
 */
const profileId = id.nullable().meta({ description: 'Their id, for their public profile (GET /volunteers/:id); null while they show none: they did not turn it on (`publicProfile`), or deleted their account' });

/** A volunteer's named collection of subjects: public ones are everyone's to read, private ones their owner's only. */
export const collectionSchema = z.strictObject({
  id,
  name: z.string(),
  description: z.string().nullable(),
  public: z.boolean().meta({ description: 'Everyone may read it (guests and signed-out readers too), by its address; else only its owner' }),
  owner: z.strictObject({ id: profileId, displayName: z.string().nullable() }).meta({ description: 'Who gathered it, by their display name' }),
  mine: z.boolean().meta({ description: 'The caller owns it: may rename, fill, empty and delete it' }),
  subjects: z.int().meta({ description: 'How many of its subjects the caller may see (those `GET /collections/:id/subjects` lists): a subject of a project closed to them is not counted' }),
  hasSubject: z.boolean().optional().meta({ description: 'With `subjectId` asked for (GET /account/collections): whether it holds that subject' }),
  createdAt: time,
  updatedAt: time,
});
/** A page of collections, newest first; `next` asks for the page after (null after the last). */
export const collectionPageSchema = z.strictObject({ collections: z.array(collectionSchema), next: z.string().nullable() });
/** A subject in a collection, as volunteers see it, with its project and when it was added. */
export const collectedSubjectSchema = z.strictObject({
  subject: queuedSubjectSchema,
  project: z.strictObject({ id, slug: z.string(), title: z.string() }),
  addedAt: time,
});
/** A page of a collection's subjects the caller may see, the latest added first; `next` asks for the page after. */
export const collectedSubjectPageSchema = z.strictObject({ subjects: z.array(collectedSubjectSchema), next: z.string().nullable() });

/** A tag other volunteers proposed for a subject, with the votes on it (proposing counts as an up vote). */
export const proposedTagSchema = z.strictObject({
  /** Normalised as consensus compares tags: trimmed, inner spaces collapsed, lower case. */
  tag: z.string(),
  /** Volunteers who proposed the tag or voted it up. */
  up: z.int(),
  down: z.int(),
});
export const proposedTagsSchema = z.strictObject({ tags: z.array(proposedTagSchema) });

/** What hiding a proposed tag may hold, as the API checks it and the lab's form limits it. */
export const HIDDEN_TAG_LIMITS = { reasonLength: 500 } as const;
/** Who hid a proposed tag from volunteers, when, and why (if they said). */
const hidingSchema = z.strictObject({ hiddenBy: id, hiddenAt: time, reason: z.string().nullable() });
/**
 * A tag a moderator or researcher hid for a subject in a tagging task: volunteers are no longer shown it as a
 * proposal. The answers that gave it stay stored, and count in the consensus as before.
 */
export const hiddenTagSchema = z.strictObject({
  subjectId: id,
  task: z.string(),
  /** Normalised as consensus compares tags: trimmed, inner spaces collapsed, lower case. */
  tag: z.string(),
  ...hidingSchema.shape,
});
/** A volunteer's answer to a tagging task that proposed tags of their own, as moderators list them. */
export const tagProposalSchema = z.strictObject({
  classificationId: id,
  subjectId: id,
  externalId: z.string().nullable(),
  task: z.string(),
  /** The volunteer, by user id only, as the downloads name volunteers. */
  userId: id,
  proposedAt: time,
  /**
   * The tags as the volunteer typed them, each with its hiding (null while volunteers are shown it) and the last time
   * someone showed it again after a hiding (null if no one did), with the hiding that ended.
   */
  tags: z.array(
    z.strictObject({
      tag: z.string(),
      hidden: hidingSchema.nullable(),
      shownAgain: hidingSchema.extend({ shownAgainBy: id, shownAgainAt: time }).nullable(),
    }),
  ),
});
/** A page of a workflow's tag proposals, the most recent first; `next` asks for the page after (null after the last). */
export const tagProposalPageSchema = z.strictObject({ proposals: z.array(tagProposalSchema), next: z.string().nullable() });

/**
 * The refusal of a subject a request names that is not one of the workflow's, as the API words it and the lab reads
 * it: an externalId that matches one of the workflow's only in capitals, or in the script of its digits (`012` for
 * `٠١٢`), names it (`nearMiss`), since ids are matched as written (they are the researcher's own).
 */
export const notInWorkflow = (nearMiss?: string): string =>
  `is not a subject of this workflow${nearMiss === undefined ? '' : `; did you mean ${JSON.stringify(nearMiss)}? (external ids are matched with capitals and digits as written)`}`;
/** Of an API message, whether it is `notInWorkflow`'s, and the external id it suggests (null: none). */
export function notInWorkflowOf(message: string): { nearMiss: string | null } | undefined {
  if (message === notInWorkflow()) return { nearMiss: null };
  const suggested = /^is not a subject of this workflow; did you mean (".*")\? \(external ids/.exec(message)?.[1];
  return suggested === undefined ? undefined : { nearMiss: JSON.parse(suggested) as string };
}

/** What one request to retire, unretire or prioritise subjects may hold, as the API checks it and the lab's forms limit it. */
export const RETIREMENT_LIMITS = { reasonLength: 500, subjectsAtOnce: 10_000 } as const;
export const subjectsRetiredSchema = z.strictObject({
  retired: z.int(),
  leftGoldStandard: z.int().optional().meta({ description: 'Retiring a set: its gold-standard subjects, left unretired (they never retire)' }),
  alreadyRetired: z.int().optional().meta({ description: 'Subjects named (or of the set) retired already: they keep their retirement and its reason, but by a take-down' }),
  takenDown: z
    .int()
    .optional()
    .meta({ description: 'A take-down: the subjects named that it took down in the workflow, retired already or not (one taken down before is not counted); each is taken down in every other workflow of the project too' }),
});
/**
 * `leftRetired`, unretiring a set: its subjects left retired because they already have every classification the
 * workflow's rule can ask for (they would never be served, nor retire).
 */
export const subjectsUnretiredSchema = z.strictObject({
  unretired: z.int(),
  leftRetired: z.int().optional(),
  leftModerated: z
    .int()
    .optional()
    .meta({
      description:
        'Unretiring a set: its subjects left retired because they were taken down (by a moderator, or a researcher with takeDown; here or in another workflow of the project), or a researcher retired them on a volunteer’s report (personal data, sensitive content): name one by id or externalId to put it back in this workflow',
    }),
  moderatedUnretired: z
    .int()
    .optional()
    .meta({
      description:
        'Of those named and unretired, the subjects a moderator had retired, or a researcher on a volunteer’s report: served again; who retired them and why stays in the consensus download’s `unretired_retirement`',
    }),
  ruleReapplied: z
    .int()
    .optional()
    .meta({
      description:
        'Of those unretired, the subjects with answers: the retirement rule is applied to their answers again at once (by the worker, within moments), and any that already meet it retire again; the workflow’s stats say how many did',
    }),
  routedInto: z
    .array(z.strictObject({ subjectSetId: id, name: z.string(), subjects: z.int() }))
    .optional()
    .meta({
      description:
        'A warning: of those unretired, how many this workflow’s effects had put in each of these subject sets (which may feed other workflows). They stay there while unretired; when one retires again, it leaves a set whose effect its new consensus no longer meets (that set’s workflows stop serving it, keeping the answers given there), and joins the sets of the effects it meets',
    }),
});
export const prioritiesSetSchema = z.strictObject({
  updated: z.int(),
  warnings: warningsSchema.optional().meta({ description: 'When the workflow does not serve in priority order, which the priorities wait for' }),
});

/**
 * Why a subject of a workflow was retired: by its rule (`count`, `agreement`, `posterior`, or `maximum`: its most
 * classifications reached), by a researcher (`manual`), or because it left the workflow while still served
 * (`unlinked`: it is in no subject set the workflow serves any more).
 */
export const RETIREMENT_REASONS = ['count', 'agreement', 'posterior', 'maximum', 'manual', 'unlinked'] as const;
/** Of `RETIREMENT_REASONS`, those of a workflow's retirement rule (its consensus); the others are its researchers'. */
export const RULE_RETIREMENT_REASONS: readonly (typeof RETIREMENT_REASONS)[number][] = ['count', 'agreement', 'posterior', 'maximum'];
/** Which of a workflow's subjects a page of results holds: retired ones, those still served (`active`), or all. */
export const SUBJECT_RESULT_STATUSES = ['all', 'active', 'retired'] as const;
/**
 * The orders of a workflow's subject results: by subject id, by externalId (in natural order: numbers within it as
 * numbers), or the most favourites first (ties by subject id); besides these, `metadata.<key>` sorts by a metadata field.
 */
export const SUBJECT_RESULT_SORTS = ['id', 'externalId', 'favourites'] as const;

/** One task's consensus for a subject, as the worker stored it and the consensus download gives it (`<task>_answer`, …). */
export const taskConsensusSchema = z.strictObject({
  answer: z.string().nullable().meta({ description: "The consensus answer, flattened as the downloads flatten answers (choices and tags joined with ';'); null without one (a tie, no votes, or notReached)" }),
  notReached: z
    .strictObject({ task: z.string(), answer: z.string().nullable() })
    .nullable()
    .meta({
      description:
        'Why the consensus path does not reach the task (the download’s <task>_reached false): the question whose consensus answer led elsewhere, and that answer (null: it has none yet, a tie or no votes); null when the path reaches it',
    }),
  offPath: z
    .strictObject({
      answer: z.string().nullable().meta({ description: 'The consensus of their answers alone, flattened as answer is (null: a tie)' }),
      agreement: z.number().nullable().meta({ description: 'Its agreement among them' }),
      votes: z.int().meta({ description: 'The volunteers who answered the task' }),
    })
    .nullable()
    .meta({
      description:
        'For a task the consensus path does not reach (notReached) that volunteers answered anyway: what they gave, as the download’s <task>_result offPath has it (answer stays null, so that no reader takes it for the subject’s); null otherwise',
    }),
  agreement: z.number().nullable().meta({ description: 'The share of the counted volunteers who gave exactly that answer (a transcription: its alignment score)' }),
  votes: z.int().meta({ description: 'How many counted classifications answered the task' }),
  algorithm: z.string(),
  workflowVersion: z.int().meta({ description: 'The workflow version the consensus was computed with' }),
  needsChecking: z.boolean().meta({
    description:
      'The consensus is worth checking (the download’s <task>_needs_checking): a transcription a volunteer asked the team to check (askedForCheck), a transcription on the consensus path whose result has lowConsensus (few transcriptions, a low score, a word no more than half agree on, or an alignment not done in full), a fields task on the path whose result has lowConsensus (a field no more than half agree on), or a task off the path that volunteers answered (offPath) where the question that cut it off (notReached) has no answer or an agreement of 0.5 or less; false otherwise',
  }),
  askedForCheck: z.int().meta({
    description:
      'How many counted volunteers ticked “I’m not sure: ask the team to check this” on their transcription (the download’s <task>_result askedForCheck): any makes needsChecking true; 0 when none did, and for the other task types',
  }),
  plurality: z
    .strictObject({
      against: z.boolean().meta({ description: 'The answer is not among those most volunteers gave (the download’s <task>_against_plurality)' }),
      answerVotes: z.int().meta({ description: 'The volunteers who gave the answer' }),
      mostVotes: z.int().meta({ description: 'The volunteers who gave the most-voted answer' }),
    })
    .nullable()
    .meta({
      description:
        'How the answer of a single choice or a close reading stands against the most-voted answers: under bayes, the volunteers’ learned skills can make an answer fewer gave the consensus. Null for the other task types and without an answer',
    }),
});
/** A review of a task's consensus, by a researcher or a reviewer: `approved` as it is, or `corrected` to their own answer. */
export const REVIEW_STATES = ['approved', 'corrected'] as const;
/** A researcher's or a reviewer's review of one task's consensus for one subject (`PUT /workflows/:id/subjects/:subjectId/reviews/:task`). */
export const consensusReviewSchema = z.strictObject({
  task: z.string(),
  state: z.enum(REVIEW_STATES).meta({ description: 'approved: the consensus as it is; corrected: the reviewer gave their own answer (value)' }),
  value: z.unknown().meta({
    description:
      'The answer the review settles on, as a volunteer gives one to the task: the corrected answer (a transcription composed, NFC), or the consensus answer approved, as it was then (the download’s <task>_reviewed_answer)',
  }),
  consensusChanged: z.boolean().meta({
    description: 'An approval whose consensus answer has changed since (later votes, a re-aggregation): value is still the answer approved; approve again to approve the new one. The same choices, tags or marks stored in another order are the same answer. False for a correction. The results’ consensusChanged=true lists the subjects with one, and the consensus download’s <task>_consensus_changed gives it',
  }),
  reviewedBy: z
    .strictObject({
      memberId: id.nullable().meta({ description: 'Their user id; null to a reviewer for another reviewer’s review (reviewers are volunteers, whom a reviewer sees by neither id nor name)' }),
      name: z.string().nullable().meta({ description: 'Their display name; null once their account is gone, and to a reviewer for another reviewer’s review' }),
      role: projectRoleSchema.nullable().meta({
        description:
          'Their role when they reviewed it: reviewer (a trusted volunteer who checks the consensus) or owner, collaborator or scientist (a researcher); null for a review made before Chorus kept the role by someone who had left the team by then',
      }),
    })
    .meta({ description: 'The team member who reviewed it last' }),
  reviewedAt: time,
});
/**
 * A subject of a workflow with its results, as its researchers see it: the subject (every metadata key, and its known
 * answers), how many classifications it has, its retirement, and each task's consensus by task key (none before its
 * first aggregation). A reviewer sees its metadata as volunteers do (no private keys), no known answers (null), not
 * why it retired, and another reviewer's review by role only.
 */
export const subjectResultSchema = researcherSubjectSchema.extend({
  classificationCount: z.int().meta({ description: "Classifications stored for the subject in the workflow, those after its retirement included and the team's tries in draft left out" }),
  draftTries: z.int().meta({ description: "The team's tries of the subject while the workflow was a draft (madeInDraft among its classifications), which count toward nothing" }),
  favourites: z.int().meta({ description: 'The volunteers who marked the subject a favourite, in whichever workflow they were shown it: those who found it interesting' }),
  retirement: z
    .strictObject({
      retiredAt: time,
      reason: z.enum(RETIREMENT_REASONS).nullable().meta({ description: 'Why it was retired; null to a reviewer, who is told when it was retired, not why (nor the note, task, classification or member below)' }),
      note: z.string().nullable().meta({ description: "The researcher's words, for a subject retired by hand" }),
      task: z.string().nullable().meta({
        description:
          'The task of the rule that retired it: an agreement or posterior rule (of an any rule, the one met), or the rule whose most classifications it reached (for agreement and posterior rules); null for a count rule and other retirements',
      }),
      byClassificationId: id.nullable().meta({ description: 'The classification whose arrival met the rule, kept when the team takes down a subject its rule had retired; null for other retirements' }),
      by: z
        .strictObject({
          memberId: id.meta({ description: 'Their user id, the download’s retired_by' }),
          name: z.string().nullable().meta({ description: 'Their display name while they are on the team; null once they left it' }),
          role: projectRoleSchema.nullable().meta({
            description:
              'Their role when they retired it, the download’s retired_by_role: moderator (a reported subject taken off volunteers’ screens) or owner, collaborator or scientist (a researcher’s decision); for one retired before Chorus kept the role, their role now (null if they left the team)',
          }),
        })
        .nullable()
        .meta({ description: 'The team member who retired the subject by hand; null for other retirements' }),
    })
    .nullable()
    .meta({ description: 'When and why the subject was retired; null while the workflow still serves it' }),
  consensus: z.record(z.string(), taskConsensusSchema),
  reviews: z.record(z.string(), consensusReviewSchema).meta({ description: 'Each task’s review by a researcher or a reviewer, by task key: approved or corrected (the download’s <task>_reviewed); a task not reviewed yet has none' }),
  takenDown: z
    .literal(true)
    .optional()
    .meta({
      description:
        "The project's team took the subject down (personal data, sensitive content: see a queued subject's takenDown): its researchers, on the team, see it all, marked; reviewers, who are not on the team, see nothing of it (it leaves their list, and its results are refused them). Absent otherwise",
    }),
});
/** A page of a workflow's subjects with their results, in subject id order; `next` asks for the page after (null after the last). */
export const subjectResultPageSchema = z.strictObject({ subjects: z.array(subjectResultSchema), next: z.string().nullable() });

/** What a classification's volunteer is now, as the raw download's user_kind says. */
export const VOLUNTEER_KINDS = ['registered', 'guest', 'deleted'] as const;

/** The volunteer's id as the raw download gives it (user_id). */
const volunteerId = id.meta({ description: 'The volunteer’s id, the raw download’s user_id' });
/** A classification's volunteer's id, which a reviewer is not shown. */
const classifiedById = id.nullable().meta({ description: 'The volunteer’s id, the raw download’s user_id; null to a reviewer, who sees no other volunteer’s id' });
/** Who a volunteer is, as the raw download names them (user_kind, user_name), never by email. */
const volunteerNamed = z
  .strictObject({
    kind: z.enum(VOLUNTEER_KINDS).meta({ description: 'What the volunteer is now, the raw download’s user_kind' }),
    name: z.string().nullable().meta({ description: 'A registered volunteer’s display name, the raw download’s user_name (never their email); null for guests and deleted accounts, and to a reviewer (who sees volunteers by kind only)' }),
  })
  .meta({ description: 'Who the volunteer is, as the raw download names them' });

/** A classification of a subject, as its researchers see it: the volunteer as the raw download names them (id, and a registered one's display name). */
export const subjectClassificationSchema = z.strictObject({
  id,
  volunteerId: classifiedById,
  volunteer: volunteerNamed,
  workflowVersion: z.int(),
  createdAt: time,
  annotations: z.array(annotationViewSchema),
  goldStandard: z.boolean().nullable().meta({ description: 'The subject has known answers: the classification is not counted toward retirement; null to a reviewer, who is not told' }),
  afterRetirement: z.boolean().meta({ description: 'It came once the subject was retired: kept, but not in the consensus' }),
  madeInDraft: z.boolean().meta({ description: 'A try by the team while the workflow was a draft (the raw download’s made_in_draft): kept, counted toward nothing' }),
});
/**
 * A subject set a workflow's effect put a subject in: when, when it left it again (null while it is there), and whether
 * a researcher took it out (no effect puts it back until a researcher uploads it there again).
 */
export const effectMembershipSchema = z.strictObject({
  subjectSetId: id,
  name: z.string(),
  addedAt: time,
  leftAt: time.nullable(),
  removedByResearcher: z
    .strictObject({ researcherId: id, removedAt: time })
    .nullable()
    .meta({ description: 'A researcher took the subject out of the set, ending this membership (kept if they upload it there again): no workflow’s effect puts it back until they do' }),
  decidedBy: routingDecisionSchema.nullable().meta({
    description:
      'What decided the routing when the effect last put the subject in the set: the effect’s condition that fired in the workflow’s version then (`version`, `when`: its task, and the answer or agreement it asks for; the first effect into the set that fired) and the subject’s consensus on that task then (`answer`, `agreement`). Kept while the subject stays in the set, however often a re-aggregation routes it again; taken anew when an effect puts it back. Null for a membership made before Chorus recorded it (not recorded)',
  }),
});
/**
 * A subject another workflow's effect put in a subject set that feeds this one (linked to it): which workflow, into
 * which set, when, and when it left it again, as that workflow's results' `routing` lists the membership.
 */
export const routedInSchema = effectMembershipSchema.extend({
  workflowId: id.meta({ description: 'The workflow whose effect put the subject in the set (its consensus there met the effect)' }),
  workflowName: z.string(),
});
/** A word of a transcription's consensus, as the subject's page marks it. */
export const transcriptionWordSchema = z.strictObject({
  word: z.string(),
  agreed: z.int().meta({ description: 'The transcriptions that read the word so in its place' }),
  of: z.int().meta({ description: 'The transcriptions counted (the consensus’s votes)' }),
  needsChecking: z.boolean().meta({ description: 'Its reading has no majority of the transcriptions: a word that flags the consensus for checking (lowConsensus)' }),
});

/**
 * One subject of a workflow with its results, each task's consensus with the algorithm's whole output (`result`), and
 * its classifications oldest first, a page at a time: `nextClassifications`, passed as `after`, asks for the page after.
 */
export const subjectResultDetailSchema = subjectResultSchema.extend({
  leftWorkflow: z.boolean().meta({
    description:
      'The subject is in no subject set the workflow serves any more (taken out of its set by a researcher or by routing, or its set unlinked): no queue serves it, and its results are kept, as the consensus download’s left_workflow says',
  }),
  consensus: z.record(
    z.string(),
    taskConsensusSchema.extend({
      result: z.record(z.string(), z.unknown()).meta({ description: 'The algorithm’s whole output: how the votes split, a transcription’s aligned lines, and more (the download’s <task>_result)' }),
      words: z
        .array(z.array(transcriptionWordSchema))
        .nullable()
        .meta({ description: 'A transcription’s consensus line by line, each word with how many transcriptions agree on it and whether it needs checking (its result’s lines, words only); null for the other task types' }),
    }),
  ),
  classifications: z.array(subjectClassificationSchema),
  nextClassifications: z.string().nullable(),
  routing: z.array(effectMembershipSchema).nullable().meta({
    description: 'The subject sets this workflow’s effects put the subject in (by its consensus), and when it left one (its consensus no longer meeting the effect, or a researcher took it out); sets it was in already are not listed. Null to a reviewer: the sets are the researchers’',
  }),
  routedFrom: z.array(routedInSchema).nullable().meta({
    description:
      'Where the subject came from: the other workflows whose effects put it in a subject set that feeds this workflow, read through the sets linked to it now (a set unlinked since is no longer listed here; the sending workflow’s `routing` still has it), each membership as that workflow’s `routing` lists it, the earliest first; the subject may have been served here through another set already; a subject uploaded to the set is not listed. Null to a reviewer, as `routing`',
  }),
});
/**
 * A retired subject's result as its project publishes it to volunteers and the public (`resultsPublic`): each task's
 * consensus the consensus path reaches, and the answer a review settled on; never who answered or reviewed, never
 * known answers, never private metadata.
 */
export const publishedTaskResultSchema = z.strictObject({
  answer: taskConsensusSchema.shape.answer,
  agreement: taskConsensusSchema.shape.agreement,
  votes: taskConsensusSchema.shape.votes,
  algorithm: taskConsensusSchema.shape.algorithm,
  workflowVersion: taskConsensusSchema.shape.workflowVersion,
  reviewed: z
    .strictObject({ state: consensusReviewSchema.shape.state, value: consensusReviewSchema.shape.value })
    .nullable()
    .meta({ description: 'The project’s review of the consensus, which replaces it (the download’s <task>_reviewed and <task>_reviewed_answer): approved as it was then, or corrected to the reviewer’s answer; null when not reviewed' }),
});
export const publishedResultSchema = z.strictObject({
  workflowId: id,
  workflowName: z.string().meta({ description: 'The workflow’s name, as its project’s page lists it' }),
  subjectId: id,
  retiredAt: time,
  metadata: z.record(z.string(), z.unknown()).meta({ description: 'The subject’s metadata as volunteers see it (no `#`, `//` or `!` fields)' }),
  tasks: z.record(z.string(), publishedTaskResultSchema).meta({ description: 'Each task’s result by task key, those the consensus path reaches, but one whose consensus needs checking that no review settled (none before the subject’s first aggregation)' }),
});
export const publishedResultListSchema = z.strictObject({
  results: z.array(publishedResultSchema).meta({ description: 'The subject’s result in each of the project’s workflows that publishes it (not in draft: finished and paused ones too), the oldest workflow first; empty when none does' }),
});

/** The states of a transcription task's text on a page of a set's published text (`publishedTextOfTaskSchema`). */
export const PUBLISHED_TEXT_STATES = ['transcribed', 'notTranscribed', 'notReached', 'waitingForCheck'] as const;
/** One transcription task's text on a page of a set's published text. */
export const publishedTextOfTaskSchema = z.strictObject({
  task: z.string().meta({ description: 'The task’s key' }),
  instruction: z.string().meta({ description: 'The task’s instruction (of the workflow’s current version), which heads its text where a page has several' }),
  text: z.string().nullable().meta({ description: 'The text, the review’s where one replaced the consensus (empty: the consensus is that there is no text); null without one' }),
  state: z.enum(PUBLISHED_TEXT_STATES).meta({
    description: '`transcribed`: `text` is its text; `notReached`: the consensus path does not lead to this task; `waitingForCheck`: its consensus waits for a check no review settled yet; `notTranscribed`: no text otherwise',
  }),
});

/**
 * A page of a subject set read as a document (`GET /subject-sets/:id/published-text`): each subject in the set's order,
 * numbered, with each transcription task's published text where its project publishes the subject's result, else a
 * gap (`published` false) that says no more than that: not finished yet, or withheld. Taken-down subjects are left out.
 */
export const publishedTextPageSchema = z.strictObject({
  page: z.number().int().min(1).meta({ description: 'The subject’s place in the set’s order, from 1' }),
  subjectId: id,
  published: z.boolean().meta({ description: 'Its project publishes the subject’s result in the workflow (as `GET /workflows/:id/subjects/:subjectId/result` does); false for a gap: not finished yet, or withheld (a gold-standard subject)' }),
  metadata: z.record(z.string(), z.unknown()).nullable().meta({ description: 'The subject’s metadata as volunteers see it (no `#`, `//` or `!` fields), for its title; null for a gap' }),
  texts: z
    .array(publishedTextOfTaskSchema)
    .nullable()
    .meta({ description: 'Each transcription task’s text, in the order the workflow reaches its tasks from its first; null for a gap' }),
});
export const publishedTextSchema = z.strictObject({
  subjectSetId: id,
  workflowId: id,
  name: z.string().meta({ description: 'The subject set’s name' }),
  pages: z.array(publishedTextPageSchema),
  next: z.string().nullable().meta({ description: 'The `after` of the next page of pages; null on the last' }),
});

/** The subject sets of a project that read as a document (`GET /subject-sets/:id/published-text`), each in a workflow that gives its text. */
export const readableSetsSchema = z.strictObject({
  sets: z
    .array(
      z.strictObject({
        subjectSetId: id,
        name: z.string().meta({ description: 'The subject set’s name' }),
        workflowId: id,
        workflowName: z.string().meta({ description: 'The workflow’s name' }),
      }),
    )
    .meta({
      description:
        'Each set served by a workflow of the project not in draft (finished and paused ones too) that has a transcription task, with that workflow, the oldest workflow first and each one’s sets in its order; its training set left out',
    }),
});

/** An RFC 9457 problem, with the JSON pointer of every bad field. */
export const problemSchema = z.strictObject({
  type: z.string(),
  title: z.string(),
  status: z.int(),
  detail: z.string(),
  errors: z.array(z.strictObject({ pointer: z.string(), message: z.string() })).optional(),
  limitBytes: z.int().optional().meta({ description: 'With a 413: the largest body, in bytes, that the route accepts' }),
  subjectSet: z
    .strictObject({ id: z.uuid(), name: z.string() })
    .optional()
    .meta({ description: 'With a 409 `subject-set-name-taken`: the project’s set that has the name, to upload into instead' }),
  apiKey: z
    .strictObject({ id: z.uuid(), name: z.string(), scope: z.enum(API_KEY_SCOPES), prefix: z.string().nullable() })
    .optional()
    .meta({ description: 'With a 409 `api-key-already-made`: the key made by the first request with that Idempotency-Key (never its secret)' }),
  consensus: z
    .string()
    .nullable()
    .optional()
    .meta({ description: 'With a 409 `consensus-changed`: the task’s consensus answer now, as the results give it (null: it has none), to show in place of the one approved; look at it again, and approve it if it is right' }),
  keyScope: z.enum(API_KEY_SCOPES).optional().meta({ description: 'With a 403 `api-key-scope`: the scope of the API key the request was sent with' }),
  neededScope: z.enum(API_KEY_SCOPES).optional().meta({ description: 'With a 403 `api-key-scope`: the narrowest scope of a key that may make the request' }),
});

/** A size in bytes as people read it: "16 MiB", "512 KiB", "1000 bytes". */
export function bytesInWords(bytes: number): string {
  for (const [unit, size] of [['MiB', 1024 ** 2], ['KiB', 1024]] as const) if (bytes >= size && bytes % size === 0) return `${bytes / size} ${unit}`;
  return `${bytes} bytes`;
}

/**
 * `GET /health`: 200 while Postgres answers (`ok`, or `degraded` when Redis does not), 503 `down` when Postgres does not;
 * `aggregationWorkers`: how many workers on this installation's Redis database aggregate (0: none runs, and
 * classifications wait unaggregated), null while
 * Redis is away or where it will not list its clients (Google's Memorystore).
 */
export const healthSchema = z.strictObject({
  status: z.enum(['ok', 'degraded', 'down']),
  postgres: z.enum(['up', 'down']),
  redis: z.enum(['up', 'down']),
  aggregationWorkers: z.number().int().nonnegative().nullable(),
});

/**
 * The downloads' `since`, as text: an ISO 8601 date (midnight UTC), or a date and time with its zone. The API's rule,
 * which the lab checks before it makes a link.
 */
export const downloadSinceSchema = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);

/** A link to a workflow's download that needs no Authorization header, until `expiresAt`. */
export const downloadLinkSchema = z.strictObject({
  url: z.string().meta({ description: 'The download, from the server’s root: /api/v1/workflows/:id/<kind>?token=… (with &format=… when the body named one); add &format=…, &since=…, &bom=… as to the download' }),
  absoluteUrl: z.string().meta({
    description: 'The same link whole, under the server’s PUBLIC_URL (https://chorus.example.org/api/v1/workflows/:id/<kind>?token=…), for a pipeline or curl to open as it is',
  }),
  expiresAt: time,
});

/** A volunteer who agreed to be named in acknowledgements, as a project's contributors download gives them. */
export const contributorSchema = z.strictObject({
  credited_name: z.string().meta({ description: 'Their credited name, else their display name' }),
  classifications: z.number().int().meta({ description: 'Their classifications in the project that count (not the team’s tries in draft, none while they are kept out of its consensus; those made after their subject retired count, unlike in consensus)' }),
  first_classified_at: time,
  last_classified_at: time,
});
/** A project's volunteers to credit (`GET /projects/:id/contributors?format=json`): those named, and how many others. */
export const contributorListSchema = z.strictObject({
  contributors: z.array(contributorSchema).meta({ description: 'The volunteers who agreed to be named, most classifications first, then by name' }),
  otherVolunteers: z.number().int().meta({ description: 'Every other volunteer with a counted classification in the project (guests, accounts that did not agree, deleted accounts): a number only, for "and N other volunteers"' }),
});

/** How many of a project's volunteers the contributors download names, and how many others (`GET /projects/:id/contributors/summary`). */
export const contributorSummarySchema = z.strictObject({
  named: z.number().int().meta({ description: 'The volunteers with a counted classification in the project who agreed to be named: the download’s rows' }),
  otherVolunteers: contributorListSchema.shape.otherVolunteers,
});

/** Why a volunteer reports a subject they cannot classify as it is: the API's, the classifier's and the lab's one list. */
export const SUBJECT_REPORT_REASONS = ['media-does-not-load', 'blank-or-unreadable', 'not-what-the-task-asks', 'sensitive-content', 'offensive-tag', 'other'] as const;
/** What a report's note may hold, as the API checks it and the classifier's form limits it. */
export const SUBJECT_REPORT_LIMITS = { noteLength: 1000, dismissalNoteLength: 500 } as const;
/**
 * Which reported subjects a list shows: `open` (the default), those still to handle (a report nobody dismissed, and
 * not taken down: retired by the retirement rule is not handled); `handled`, the others (taken down by the project's
 * moderators or researchers, or every report dismissed); `all`.
 */
export const REPORTED_SUBJECT_STATUSES = ['open', 'handled', 'all'] as const;
export type ReportedSubjectStatus = (typeof REPORTED_SUBJECT_STATUSES)[number];
/** A dismissal of a subject's open reports: how many it dismissed (0 when none was open: a retry changes nothing). */
export const reportsDismissedSchema = z.strictObject({ dismissed: z.int() });
export type ReportsDismissed = z.infer<typeof reportsDismissedSchema>;
const subjectReportReasonSchema = z.enum(SUBJECT_REPORT_REASONS);

const reportedAt = time.meta({ description: 'When the volunteer last made it: at first, or again with other words while it was open, or again after a dismissal' });
/** When a subject's or comment's reports were made, as its moderators and researchers see them listed. */
const reportTimes = {
  firstReportedAt: time.meta({ description: 'When it was first reported: the list’s order, which nothing moves' }),
  lastReportedAt: time.meta({ description: 'When a report of it was last made: a new report, or one made again with other words or after a dismissal (a dismissal moves neither)' }),
};

/** A volunteer's report of a subject, as stored: the first one, also when the same volunteer reports it again. */
export const subjectReportSchema = z.strictObject({ id, subjectId: id, reason: subjectReportReasonSchema, note: z.string().nullable(), reportedAt });

/** A subject volunteers reported in a workflow, as its researchers see it: how many reports, and why. */
export const reportedSubjectSchema = z.strictObject({
  subjectId: id,
  externalId: z.string().nullable(),
  reports: z.int(),
  /** How many reports gave each reason (the reasons nobody gave are left out). */
  reasons: z.partialRecord(subjectReportReasonSchema, z.int()),
  /** The latest notes, newest first (at most 5); who wrote each by the reports download's pseudonym, never their user id or name. */
  notes: z.array(z.strictObject({ reporter: z.string(), reason: subjectReportReasonSchema, note: z.string(), reportedAt })),
  ...reportTimes,
  /** Whether it is retired in the workflow, by any retirement (its rule's too). */
  retired: z.boolean(),
  /** Whether it is taken down in the workflow (by a moderator, or a researcher who asked for it): handled, shown to volunteers nowhere. */
  takenDown: z.boolean(),
  /** How many of its reports no moderator or researcher dismissed; with `takenDown`, whether it is still to handle. */
  openReports: z.int(),
  /** The latest dismissal of its reports (handled, the subject left served), with its note; null when none was dismissed. */
  dismissal: z.strictObject({ dismissedAt: time, note: z.string().nullable() }).nullable(),
  /** What volunteers are shown now: the addresses of its images and recordings, which a researcher may correct. */
  locations: z.array(subjectLocationSchema),
  locationsCorrectedAt: time.nullable().meta({ description: 'When researchers last corrected its locations (PATCH /subjects/:id): reports made before were about the address before' }),
});
/**
 * A page of a workflow's reported subjects, the most recently first reported first (a later report does not move a
 * subject, so the pages list each once), and how many subjects were reported in all.
 */
export const reportedSubjectPageSchema = z.strictObject({ total: z.int(), subjects: z.array(reportedSubjectSchema), next: z.string().nullable() });

/** A volunteer's browser's failure to load one of a subject's media, as counted: the first, also when it is said again. */
export const mediaFailureSchema = z.strictObject({
  subjectId: id,
  location: z.int().meta({ description: 'Which of the subject’s locations, numbered from 1' }),
  failedAt: time,
});

/** A subject of a workflow whose images or recordings volunteers' browsers could not load at their present addresses. */
export const mediaFailedSubjectSchema = z.strictObject({
  subjectId: id,
  externalId: z.string().nullable(),
  failures: z.int().meta({ description: 'Failed loads counted: one per volunteer and location, at the address the subject has now' }),
  firstFailedAt: time.meta({ description: 'The first failure counted now: the list’s order, which a later failure does not change' }),
  lastFailedAt: time,
  retired: z.boolean(),
  /** What volunteers are shown now: the addresses of its images and recordings, which a researcher may correct. */
  locations: z.array(subjectLocationSchema),
  locationsCorrectedAt: time.nullable().meta({ description: 'When researchers last corrected its locations (PATCH /subjects/:id): failures before are no longer counted' }),
});
/**
 * What volunteers' browsers could not load in a workflow (its researchers): how many subjects, how many failed loads and
 * the last one's time, of all of them; and a page of the subjects, the most recently first failed first, with the
 * cursor of the next page (`next`, null on the last).
 */
export const workflowMediaFailuresSchema = z.strictObject({
  subjects: z.int(),
  failures: z.int(),
  lastFailedAt: time.nullable(),
  failed: z.array(mediaFailedSubjectSchema),
  next: z.string().nullable(),
});

/** One volunteer's learned skill on one task of a `bayes` workflow, as the worker last learned it (Dawid–Skene). */
export const volunteerSkillSchema = z.strictObject({
  task: z.string().meta({ description: 'The task key' }),
  volunteerId,
  volunteer: volunteerNamed,
  accuracy: z.number().meta({
    description:
      'How often, as learned, the volunteer’s answer is the true one (0 to 1), pulled toward the crowd’s by 20 pseudo-classifications per true answer, as the posterior weighs it: a volunteer with few answers is close to the crowd',
  }),
  answers: z.int().meta({ description: 'How many of the volunteer’s answers to the task it rests on (gold standard ones included; the team’s tries in draft never count)' }),
  confusion: z
    .record(z.string(), z.record(z.string(), z.number()))
    .meta({ description: 'Per true answer, the share of the volunteer’s (learned) answers given as each answer: confusion[true][given] = P(given | true)' }),
  gold: z
    .strictObject({ answers: z.int(), agreed: z.int() })
    .nullable()
    .meta({ description: 'Their answers to the task on gold standard subjects (those with a known answer), and how many agreed with it; null when they answered none' }),
  learnedAt: time.meta({ description: 'When the worker last learned the task’s skills' }),
});
/** A `bayes` workflow's learned skills: each volunteer's on each task, the least accurate first. */
export const workflowSkillsSchema = z.strictObject({
  skills: z.array(volunteerSkillSchema).meta({ description: 'In task key order, then the least accurate volunteer first; empty until the worker has learned skills (or when no task weighs votes by skill)' }),
});

/**
 * Subjects’ discussions (Talk): what a comment and a hiding’s reason may hold, as the API checks them and the forms
 * limit them (`mentions`: the different @names, `@team` with them, one comment may mention), and how long a hashtag
 * (`#word`: letters with their marks, digits and `_`, counted in code points) may be to count as one. Their search: `SEARCH_LIMITS`.
 */
export const COMMENT_LIMITS = { bodyLength: 2000, mentions: 10, hiddenReasonLength: 500, hashtagLength: 50, excerptLength: 140 } as const;
/** A comment in a subject's discussion, as its project's discussions list it. */
export const subjectCommentSchema = z.strictObject({
  id,
  projectId: id,
  subjectId: id.nullable().meta({ description: 'The subject whose discussion it is in; null for a comment in a board discussion (`boardDiscussionId`)' }),
  boardDiscussionId: id.nullable().meta({ description: 'The board discussion it is in (GET /board-discussions/:id/comments); null for a comment in a subject’s discussion' }),
  author: z.strictObject({
    id: profileId,
    displayName: z.string().nullable().meta({ description: 'Null once its author deleted their account: the comment stays, shown as by a former volunteer' }),
    team: z.boolean().meta({ description: "Its author is a member of the project's team (a researcher or moderator): shown with a badge" }),
  }),
  mine: z.boolean().meta({ description: 'The caller wrote it: they may edit and delete it' }),
  body: z.string().meta({ description: 'Markdown, as volunteers write it' }),
  hashtags: z.array(z.string()).meta({ description: 'Its #hashtags, lower case, without the #, each once' }),
  createdAt: time,
  editedAt: time.nullable(),
  hidden: z
    .strictObject({
      hiddenAt: time,
      reason: z.string().nullable().meta({ description: "Why, for the project's team only: null for its author, who is told only that the moderators hid it" }),
    })
    .nullable()
    .meta({ description: "Hidden by the project's moderators or researchers; only they, and its author, are shown a hidden comment" }),
  replyTo: z
    .strictObject({
      id,
      authorDisplayName: z.string().nullable().meta({ description: 'Its author’s display name (null once they deleted their account: a former volunteer)' }),
    })
    .nullable()
    .meta({ description: 'The comment of the same discussion it answers (anchor `#comment-<id>` in the classifier); null when it answers none, or when that one was deleted, or is hidden and the caller is neither on the team nor its author' }),
});
/** A page of comments; `next`, when there are more, goes in `after` for the next page. */
export const subjectCommentPageSchema = z.strictObject({ comments: z.array(subjectCommentSchema), next: z.string().nullable() });
/** A comment in a project's recent discussions, with the subject it is about as volunteers are shown it (to name it by). */
export const projectCommentSchema = subjectCommentSchema.extend({
  subject: queuedSubjectSchema.nullable().meta({ description: 'The subject the comment is about, as volunteers see it (as the queue serves it): the classifier names it by its title, else what it shows; null for a board discussion’s comment' }),
  boardDiscussion: z
    .strictObject({ id, title: z.string(), board: z.strictObject({ id, title: z.string() }) })
    .nullable()
    .meta({ description: 'The board discussion the comment is in, with its board, to name it by; null for a subject’s comment' }),
});
/** A page of a project's comments; `next`, when there are more, goes in `after` for the next page. */
export const projectCommentPageSchema = z.strictObject({ comments: z.array(projectCommentSchema), next: z.string().nullable() });
/**
 * One of the caller's own comments, in any project: what they wrote, where, and whether the moderators hid it. Their
 * words are theirs to see in a project they can no longer read too, without what the project keeps to its members.
 */
export const ownCommentSchema = z.strictObject({
  id,
  project: z
    .strictObject({ id, slug: z.string(), title: z.string() })
    .nullable()
    .meta({ description: 'The project the discussion is in (its slug makes the discussion’s address); null when the operators of this Chorus took it down, for whoever is not its member: the comment is still listed, without its project' }),
  subjectId: id.nullable().meta({ description: 'The subject whose discussion it is in; null for a board discussion’s comment' }),
  boardDiscussionId: id.nullable().meta({ description: 'The board discussion it is in; null for a subject’s comment' }),
  discussionUrl: z
    .string()
    .nullable()
    .meta({
      description:
        "The classifier's page of the subject's discussion, or of the board discussion (/projects/<slug>/talk/<id>), at the comment (/projects/<slug>/subjects/<id>#comment-<id>), from the server's root: put the server's origin before it. Null while the caller may not read the project (taken back to draft, or taken down): the comment is listed, not linked",
    }),
  body: z.string().meta({ description: 'Markdown, as they wrote it (after any edit)' }),
  hashtags: z.array(z.string()).meta({ description: 'Its #hashtags, lower case, without the #, each once' }),
  replyTo: id.nullable().meta({ description: 'The id of the comment of the same discussion it answers, as its discussion shows it to the caller; null when none, deleted, or another’s the moderators hid' }),
  createdAt: time,
  editedAt: time.nullable(),
  hidden: subjectCommentSchema.shape.hidden,
});

/**
 * How many of a volunteer's public collections, and of their latest comments, their profile shows (`GET
 * /volunteers/:id/collections` pages through the rest of the collections), and how far it counts their comments.
 */
export const PROFILE_LIMITS = { collections: 6, comments: 10, countedComments: 1000 } as const;
/** One of a volunteer's comments as their profile shows it: where it was said, and what (always in a project the reader may read). */
export const profileCommentSchema = ownCommentSchema.pick({ id: true, subjectId: true, boardDiscussionId: true, body: true, createdAt: true, editedAt: true }).extend({
  project: ownCommentSchema.shape.project.unwrap(),
  discussionUrl: ownCommentSchema.shape.discussionUrl.unwrap().meta({ description: "The classifier's page of the discussion, at the comment (/projects/<slug>/subjects/<id>#comment-<id>, or /projects/<slug>/talk/<id>#comment-<id> for a board's), from the server's root" }),
});
/**
 * A volunteer's public profile (Zooniverse's): their display name, the month they joined, their public collections and
 * their latest comments, as the reader may read them.
 */
export const volunteerProfileSchema = z.strictObject({
  id,
  displayName: z.string(),
  joined: z
    .string()
    .regex(/^\d{4}-\d\d$/)
    .meta({ description: 'The month (UTC) their account was made, as YYYY-MM: no finer, which would tell when they were online' }),
  mine: z.boolean().meta({ description: 'The caller’s own profile' }),
  shown: z.boolean().meta({ description: 'Others may read it (`publicProfile`): false only for its owner, who reads their own profile as others would once they turn it on' }),
  counts: z.strictObject({
    collections: z.int().meta({ description: 'Their public collections' }),
    comments: z.int().meta({ description: `Their comments the reader may read: shown (not hidden by moderators), in projects open to the reader, on subjects not taken down or in boards' discussions; counted to ${PROFILE_LIMITS.countedComments} at most` }),
    moreComments: z.boolean().meta({ description: `They have more such comments than \`comments\` (${PROFILE_LIMITS.countedComments}+), counted no further` }),
  }),
  collections: collectionPageSchema.meta({ description: `Their latest public collections, ${PROFILE_LIMITS.collections} at most; \`next\` goes in \`after\` of GET /volunteers/:id/collections for more` }),
  comments: z.array(profileCommentSchema).meta({ description: `Their latest comments the reader may read (as \`counts.comments\`), ${PROFILE_LIMITS.comments} at most, newest first` }),
});
/** A page of the caller's comments, newest first; `next`, when there are more, goes in `after` for the next page. */
export const ownCommentPageSchema = z.strictObject({ comments: z.array(ownCommentSchema), next: z.string().nullable() });
/** A subject's discussion: the subject as volunteers are shown it (as the queue serves it), and a page of its comments, oldest first. */
export const subjectDiscussionSchema = subjectCommentPageSchema.extend({
  subject: queuedSubjectSchema,
  commentBanned: z.boolean().meta({ description: 'Whether the caller is stopped from commenting in the project (a comment ban): the classifier says so in the place of its comment form' }),
  following: z.boolean().meta({
    description: 'Whether the caller follows this discussion, told of each new comment in it (`discussion` notifications): they commented in it or followed it (PUT /subjects/:id/follow), and did not unfollow it since; false for a guest',
  }),
});

/** Talk's boards: how many a project may have, and how long their titles and descriptions, and a discussion's title, may be. */
export const BOARD_LIMITS = { perProject: 20, titleLength: 100, descriptionLength: 1000, discussionTitleLength: 200 } as const;
/** A project's Talk board, where volunteers start titled discussions about no one subject. */
export const boardSchema = z.strictObject({
  id,
  projectId: id,
  title: z.string(),
  description: z.string().meta({ description: 'Markdown; empty when none' }),
  position: z.int().meta({ description: 'Its place in the project’s list of boards, from 0' }),
  archivedAt: time.nullable().meta({ description: 'When its researchers archived it (null: open): its discussions stay readable, and take no new discussion, comment nor edit' }),
});
/** A project's boards, in their order. */
export const boardListSchema = z.strictObject({ boards: z.array(boardSchema) });
/** A discussion in a board, as the board lists it. */
export const boardDiscussionSummarySchema = z.strictObject({
  id,
  boardId: id,
  title: z.string(),
  startedBy: z.strictObject({ displayName: z.string().nullable().meta({ description: 'Null once they deleted their account: a former volunteer' }) }),
  commentCount: z.int().meta({ description: 'Its comments shown to volunteers' }),
  lastCommentAt: time.meta({ description: 'When its latest comment was posted: the board lists the latest active first' }),
  createdAt: time,
});
/** A page of a board's discussions, the latest active first; `next`, when there are more, goes in `after`. */
export const boardDiscussionPageSchema = z.strictObject({
  board: boardSchema,
  discussions: z.array(boardDiscussionSummarySchema),
  next: z.string().nullable(),
  commentBanned: z.boolean().meta({ description: 'Whether the caller is stopped from commenting in the project (a comment ban): the classifier says so in the place of the form that starts a discussion' }),
});
/** A discussion just started in a board, with its first comment. */
export const boardDiscussionStartedSchema = boardDiscussionSummarySchema.extend({ comment: subjectCommentSchema });
/** A board discussion: its title and board, and a page of its comments, oldest first. */
export const boardDiscussionSchema = subjectCommentPageSchema.extend({
  discussion: boardDiscussionSummarySchema.omit({ commentCount: true, lastCommentAt: true }).extend({ board: boardSchema }),
  commentBanned: z.boolean().meta({ description: 'Whether the caller is stopped from commenting in the project (a comment ban)' }),
  following: z.boolean().meta({ description: 'Whether the caller follows this discussion (started it, commented in it or followed it, and did not unfollow it since); false for a guest' }),
});

/** Whether the caller follows a subject's discussion in a project, as PUT and DELETE /subjects/:id/follow answer. */
export const discussionFollowSchema = z.strictObject({ following: z.boolean() });

/** Why a volunteer reports a comment to its project's moderators: the API's, the classifier's and the lab's one list. */
export const COMMENT_REPORT_REASONS = ['spam', 'abuse', 'personal-data', 'other'] as const;
const commentReportReasonSchema = z.enum(COMMENT_REPORT_REASONS);
/** A volunteer's report of a comment, as stored: the first one, also when the same volunteer reports it again while it is open (after a dismissal, the one opened again). */
export const commentReportSchema = z.strictObject({ id, commentId: id, reason: commentReportReasonSchema, note: z.string().nullable(), reportedAt });
/** A comment volunteers reported, as its project's moderators and researchers see it: what it says, who wrote it, and why it was reported. */
export const reportedCommentSchema = z.strictObject({
  commentId: id,
  body: z.string().meta({ description: 'Markdown, as its author wrote it' }),
  author: z.strictObject({
    id: id.meta({ description: 'Its author’s account id: whom PUT /projects/:id/comment-bans/:userId stops from commenting in the project' }),
    displayName: z.string().nullable().meta({ description: 'Null once its author deleted their account: a former volunteer' }),
  }),
  subject: z
    .strictObject({ id, name: z.string().meta({ description: 'Its title (metadata `title`), else its external id, else its id' }) })
    .nullable()
    .meta({ description: 'The subject whose discussion it is in; null for a board discussion’s comment' }),
  boardDiscussion: z.strictObject({ id, title: z.string() }).nullable().meta({ description: 'The board discussion it is in; null for a subject’s comment' }),
  createdAt: time,
  editedAt: time.nullable().meta({ description: 'When its author last changed it (null: never): after `firstReportedAt`, the words reported were not these' }),
  hidden: z.strictObject({ hiddenAt: time, reason: z.string() }).nullable().meta({ description: 'Hidden by the project’s moderators or researchers (which handles its reports), with their reason' }),
  reports: z.int(),
  /** How many reports gave each reason (the reasons nobody gave are left out). */
  reasons: z.partialRecord(commentReportReasonSchema, z.int()),
  /** The latest notes, newest first (at most 5); who wrote each by a pseudonym, the same for one volunteer in the project, never their user id or name. */
  notes: z.array(z.strictObject({ reporter: z.string(), reason: commentReportReasonSchema, note: z.string(), reportedAt })),
  ...reportTimes,
  /** How many of its reports no moderator or researcher dismissed; with `hidden`, whether it is still to handle. */
  openReports: z.int(),
  /** The latest dismissal of its reports (handled, the comment left shown), with its note; null when none was dismissed. */
  dismissal: z.strictObject({ dismissedAt: time, note: z.string().nullable() }).nullable(),
});
/** A page of a project's reported comments, the most recently first reported first, and how many are in the list in all. */
export const reportedCommentPageSchema = z.strictObject({ total: z.int(), comments: z.array(reportedCommentSchema), next: z.string().nullable() });

/** A volunteer the project's moderators or researchers stopped from commenting in its discussions (a Talk ban), with why, when and by whom. */
export const commentBanSchema = z.strictObject({
  volunteerId: id.meta({ description: 'The volunteer’s account id' }),
  volunteer: z.strictObject({ displayName: z.string().nullable().meta({ description: 'Null once they deleted their account' }) }),
  reason: z.string().meta({ description: 'Why, for the project’s team only' }),
  bannedAt: time,
  bannedBy: z.strictObject({ id, name: z.string() }).nullable().meta({ description: 'The moderator or researcher who stopped them (their display name); null once that account is deleted' }),
});
/** A comment ban as PUT /projects/:id/comment-bans/:userId answers it: the ban, and how many of their comments it hid. */
export const commentBanMadeSchema = commentBanSchema.extend({
  commentsHidden: z.int().nonnegative().meta({ description: 'How many of their comments in the project this request hid (with `hideComments`; 0 without it, or when none were left shown)' }),
});
/** A page of a project's comment bans, the most recent first; `next`, when there are more, goes in `after`. */
export const commentBanPageSchema = z.strictObject({ commentBans: z.array(commentBanSchema), next: z.string().nullable() });

/**
 * Why a volunteer is told of a comment: it replies to theirs, it mentions them (`@name`), it calls the project's team
 * (`@team`), of which they are, or it is new in a discussion they follow; one reason a comment, the first of these.
 */
export const COMMENT_NOTIFICATION_KINDS = ['reply', 'mention', 'team-mention', 'discussion'] as const;
/** Why a volunteer is told of something: of a comment (`COMMENT_NOTIFICATION_KINDS`), that a workflow is complete, or that a webhook was turned off. */
export const NOTIFICATION_KINDS = [...COMMENT_NOTIFICATION_KINDS, 'workflow-complete', 'webhook-disabled'] as const;
const notificationFields = {
  id,
  createdAt: time,
  readAt: time.nullable().meta({ description: 'When they marked it read; null while unread' }),
};
/** A volunteer told of a comment (Talk's notifications). */
export const commentNotificationSchema = z.strictObject({
  ...notificationFields,
  kind: z.enum(COMMENT_NOTIFICATION_KINDS).meta({ description: 'reply: it answers their comment; mention: it names them (`@name`); team-mention: it calls the project’s team (`@team`), of which they are; discussion: it is new in a discussion they follow, a subject’s or a board’s (they commented in it, started it, or followed it)' }),
  comment: z.strictObject({
    id,
    subjectId: id.nullable().meta({ description: 'The subject whose discussion it is in; null for a board discussion’s comment' }),
    boardDiscussionId: id.nullable().meta({ description: 'The board discussion it is in; null for a subject’s comment' }),
    projectId: id,
    projectSlug: z.string().meta({ description: 'For its link: `/projects/<slug>/subjects/<subjectId>#comment-<id>`, or `/projects/<slug>/talk/<boardDiscussionId>#comment-<id>`' }),
    excerpt: z.string().meta({ description: `Its first ${COMMENT_LIMITS.excerptLength} characters (Markdown as written), with … when cut` }),
    author: z.strictObject({ displayName: z.string().nullable().meta({ description: 'Null once its author deleted their account: a former volunteer' }) }),
  }),
});
/** A volunteer, or researcher, told that a workflow they classified in, or research, is complete. */
export const workflowCompleteNotificationSchema = z.strictObject({
  ...notificationFields,
  kind: z.literal('workflow-complete').meta({ description: 'workflow-complete: every subject of a workflow they classified in (or whose project they research) is done, or its researchers finished it' }),
  workflow: z.strictObject({
    id,
    name: z.string(),
    projectId: id,
    projectSlug: z.string().meta({ description: 'For its link: the project’s page, `/projects/<slug>`' }),
    projectTitle: z.string(),
    subjectsDone: z.int().nonnegative().meta({ description: 'How many of its subjects were done (retired) when it completed' }),
    team: z.boolean().meta({ description: 'The caller researches the project (`RESEARCHER_ROLES`): the lab’s downloads of the workflow are theirs' }),
    resultsPublic: z.boolean().meta({ description: 'The project publishes its results (GET /projects/:id/published-results), for a link to them' }),
  }),
});
/** Why a webhook was turned off: after too many deliveries given up on in a row (`failures`), or by hand (`by-hand`). */
export const WEBHOOK_DISABLED_REASONS = ['failures', 'by-hand'] as const;
const disabledReason = z.enum(WEBHOOK_DISABLED_REASONS).nullable();
const disabledError = z.string().nullable().meta({ description: 'For `failures`: the error of the last delivery given up on (as its deliveries list it); else null' });
/** A project's owner told that one of its webhooks was turned off, its deliveries having failed too often in a row. */
export const webhookDisabledNotificationSchema = z.strictObject({
  ...notificationFields,
  kind: z.literal('webhook-disabled').meta({ description: 'webhook-disabled: a webhook of a project they own was turned off after too many deliveries given up on in a row' }),
  webhook: z.strictObject({
    id,
    url: z.string(),
    projectId: id,
    projectSlug: z.string().meta({ description: 'For its link: the project’s lab page, `/lab/projects/<slug>`' }),
    projectTitle: z.string(),
    reason: disabledReason.meta({ description: 'Why it is off (its `disabledReason`); null once it is back on' }),
    error: disabledError,
  }),
});
/** A volunteer's notification: of a comment, of a workflow's completion, or of a webhook turned off (by `kind`). */
export const notificationSchema = z.discriminatedUnion('kind', [commentNotificationSchema, workflowCompleteNotificationSchema, webhookDisabledNotificationSchema]);
/** A volunteer's notifications, newest first, with how many are unread; `next`, when there are more, goes in `after`. */
export const notificationPageSchema = z.strictObject({
  notifications: z.array(notificationSchema),
  unread: z.int().meta({ description: 'How many of all their notifications (not only this page’s) are unread' }),
  next: z.string().nullable(),
});

/** How long a researcher's reason for excluding a volunteer may be, in characters. */
export const EXCLUSION_REASON_LENGTH = 500;
/** A volunteer a project's researchers keep out of its consensus, with why, when and by whom. */
export const excludedVolunteerSchema = z.strictObject({
  volunteerId,
  volunteer: volunteerNamed,
  reason: z.string().meta({ description: 'Why the researcher excluded them' }),
  excludedAt: time,
  excludedBy: z
    .strictObject({ id, name: z.string() })
    .nullable()
    .meta({ description: 'The researcher who excluded them (their display name); null once that account is deleted' }),
  classifications: z.int().meta({ description: 'Their classifications in the project’s workflows, all kept (the raw download flags them excluded_volunteer), none counted' }),
});
export const excludedVolunteerListSchema = z.strictObject({
  excludedVolunteers: z.array(excludedVolunteerSchema).meta({ description: 'The most recently excluded first' }),
});
export const exclusionLiftedSchema = z.strictObject({ lifted: id });

/** One About page of a project. */
export const aboutPageSchema = z.strictObject({
  kind: aboutPageKindSchema,
  content: z.string().meta({ description: 'Markdown, as the project’s other texts' }),
  updatedAt: time,
});
/** A project's About pages with content, in `ABOUT_PAGE_KINDS` order (an empty page is not there). */
export const aboutPagesSchema = z.strictObject({
  projectId: id,
  language: z.string().meta({ description: 'The project’s `language` (BCP 47), the language its pages are written in, which the classifier marks them with (`lang`)' }),
  pages: z.array(aboutPageSchema).meta({ description: 'The pages with content, in a fixed order: research, team, results, education, faq; none when the project has none' }),
});

/** What a news item may hold, as the API checks it and the lab's form limits it: a title on one line, a body in Markdown. */
export const NEWS_LIMITS = { titleLength: 200, bodyLength: MARKDOWN_LENGTH } as const;
/** An item of a project's news (what its researchers tell its volunteers), as anyone who may see the project reads it. */
export const projectNewsSchema = z.strictObject({
  id,
  projectId: id,
  title: z.string(),
  body: z.string().meta({ description: 'Markdown, as the project’s other texts' }),
  author: z.strictObject({ displayName: z.string().nullable().meta({ description: 'Null once its author deleted their account' }) }),
  createdAt: time,
  editedAt: time.nullable(),
  mailedAt: time.nullable().optional().meta({ description: 'When it was mailed to the project’s subscribers (null: not mailed); to its researchers only' }),
  mailedTo: z.int().nullable().optional().meta({ description: 'How many subscribers it was mailed to: each subscribed account with a verified email that could see the project (null: not mailed); to its researchers only' }),
});
/** A page of a project's news, newest first; `next`, when there are more, goes in `after`. */
export const projectNewsPageSchema = z.strictObject({ news: z.array(projectNewsSchema), next: z.string().nullable() });
/** Whether the caller gets the project's news by mail, and whether they can (mails go to a verified email only). */
export const newsSubscriptionSchema = z.strictObject({
  projectId: id,
  subscribed: z.boolean(),
  emailVerified: z.boolean().meta({ description: 'The caller’s email is verified: without it, a subscription gets no mail until it is' }),
});
/** How many accounts would get a news item mailed now: subscribed, with a verified email (for the project's researchers). */
export const newsSubscribersSchema = z.strictObject({
  projectId: id,
  subscribers: z.int(),
  mayMailAt: time.nullable().meta({ description: 'When the project may mail news again (null: now): at most once a day' }),
});
/**
 * An account's settings of the mails it gets (`AccountView`'s), each turned off by the one-click stop in its mails: of
 * replies and mentions, of the discussions it follows, of reports, of completed workflows as a researcher, and as a volunteer.
 */
export const MAIL_SETTINGS = ['discussionMails', 'followedDiscussionMails', 'reportMails', 'completionMails', 'volunteerCompletionMails'] as const;
export type MailSetting = (typeof MAIL_SETTINGS)[number];
/** What a mail's one-click stop (POST /unsubscriptions) stopped, or had already: a project's news, or the account's mails of a setting. */
export const mailsStoppedSchema = z.strictObject({
  mails: z.enum(['news', ...MAIL_SETTINGS]).meta({
    description: 'Which mails stopped, as the token says: `news`, the project’s news (its subscription ended), or the account’s setting that turned false, its mails of that kind not yet sent dropped',
  }),
  project: z
    .strictObject({ id, slug: z.string(), title: z.string() })
    .nullable()
    .meta({ description: 'The project whose news stopped (`news`); null for any other kind, or when the project is gone' }),
});

/** The events a project's webhooks may receive; `ping`, the test event one gets when its researchers ask. */
export const WEBHOOK_EVENTS = ['subject.retired', 'subject.unretired', 'workflow.completed'] as const;
export type WebhookEventName = (typeof WEBHOOK_EVENTS)[number];
/** A project has at most `perProject` webhooks; an address is at most `urlLength` characters; a page of deliveries, at most `deliveriesPerPage`. */
export const WEBHOOK_LIMITS = { perProject: 10, urlLength: 2000, deliveriesPerPage: 50 } as const;
/** A project's webhook, as its researchers list it: never its secret, shown once, when it is made. */
export const webhookViewSchema = z.strictObject({
  id,
  projectId: id,
  url: z.string().meta({ description: 'Where Chorus POSTs the events: http or https' }),
  events: z.array(z.enum(WEBHOOK_EVENTS)).meta({ description: 'The events it receives' }),
  createdAt: time,
  disabledAt: time.nullable().meta({ description: 'When it was turned off (nothing is sent to it until it is turned back on: PATCH `{ active: true }`); null while on' }),
  disabledReason: disabledReason.meta({ description: 'Why it was turned off: `failures`, after too many deliveries given up on in a row; `by-hand`; null while on' }),
  disabledError,
});
export const webhookListSchema = z.strictObject({ webhooks: z.array(webhookViewSchema) });
/** A webhook just made, or its secret just rotated, with the secret of its signatures (`Chorus-Signature`): shown this once. */
export const newWebhookSchema = webhookViewSchema.extend({ secret: z.string().meta({ description: 'The key of the HMAC-SHA256 in `Chorus-Signature`; shown this once' }) });
/** One event sent (or being sent) to a webhook, with its last attempt. */
export const webhookDeliverySchema = z.strictObject({
  id: id.meta({ description: 'The `Chorus-Delivery` header, the same at every attempt' }),
  event: z.enum([...WEBHOOK_EVENTS, 'ping']),
  state: z.enum(['waiting', 'delivered', 'failed']).meta({ description: 'waiting: not yet delivered, attempts left; failed: given up on (a 4xx answer but 429, an address refused, or every attempt failed)' }),
  attempts: z.int(),
  statusCode: z.int().nullable().meta({ description: 'The last attempt’s HTTP status; null without an answer (see error)' }),
  error: z.string().nullable().meta({ description: 'Why the last attempt failed, or null' }),
  createdAt: time.meta({ description: 'When the event happened' }),
  attemptedAt: time.nullable(),
});
/** A page of a webhook's deliveries, newest first; `next`, when there are more, goes in `after`. */
export const webhookDeliveryPageSchema = z.strictObject({ deliveries: z.array(webhookDeliverySchema), next: z.string().nullable() });
