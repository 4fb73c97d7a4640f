import type { Annotation, SubjectInput, SubjectLocation, WorkflowDefinitionInput } from '@chorus/tasks';
import type { z } from 'zod';
import type {
  choosableSetsSchema,
  aboutPageKindSchema,
  aboutPageSchema,
  aboutPagesSchema,
  publishedResultSchema,
  publishedResultListSchema,
  publishedTextSchema,
  readableSetsSchema,
  publishedTextPageSchema,
  publishedTextOfTaskSchema,
  neighbourPagesSchema,
  subjectCommentSchema,
  notificationSchema,
  commentNotificationSchema,
  workflowCompleteNotificationSchema,
  webhookDisabledNotificationSchema,
  notificationPageSchema,
  subjectCommentPageSchema,
  projectCommentSchema,
  projectCommentPageSchema,
  ownCommentSchema,
  ownCommentPageSchema,
  subjectDiscussionSchema,
  boardSchema,
  boardListSchema,
  boardDiscussionSummarySchema,
  boardDiscussionPageSchema,
  boardDiscussionStartedSchema,
  boardDiscussionSchema,
  accountViewSchema,
  contributionSchema,
  accountWorkflowSchema,
  downloadLinkSchema,
  reaggregationRecordSchema,
  classificationStoredSchema,
  invitationViewSchema,
  memberViewSchema,
  ownInvitationSchema,
  ownClassificationListSchema,
  favouritePageSchema,
  collectionSchema,
  volunteerProfileSchema,
  collectionPageSchema,
  collectedSubjectSchema,
  collectedSubjectPageSchema,
  newsSubscribersSchema,
  newsSubscriptionSchema,
  mailsStoppedSchema,
  discussionFollowSchema,
  projectNewsPageSchema,
  projectNewsSchema,
  favouriteSchema,
  ownClassificationSchema,
  prioritiesSetSchema,
  problemSchema,
  projectRoleSchema,
  projectStatusSchema,
  projectListSchema,
  projectLanguagesSchema,
  projectSummarySchema,
  projectTakeDownSchema,
  projectViewSchema,
  proposedTagSchema,
  hiddenTagSchema,
  tagProposalPageSchema,
  tagProposalSchema,
  holdsReleasedSchema,
  holdsRenewedSchema,
  workflowHoldsEndedSchema,
  queueViewSchema,
  queuedSubjectSchema,
  reaggregationRunSchema,
  sessionSchema,
  signInSchema,
  subjectPageSchema,
  subjectSetDeletedSchema,
  subjectSetListSchema,
  subjectSetViewSchema,
  subjectsAddedSchema,
  subjectCorrectedSchema,
  subjectImagesDescribedSchema,
  locationChangeSchema,
  locationChangePageSchema,
  subjectsRetiredSchema,
  guestWorkCarriedSchema,
  subjectsUnretiredSchema,
  SUBJECT_REPORT_REASONS,
  subjectReportSchema,
  subjectResultDetailSchema,
  consensusReviewSchema,
  transcriptionWordSchema,
  subjectResultPageSchema,
  SUBJECT_RESULT_SORTS,
  SUBJECT_RESULT_STATUSES,
  reportedSubjectPageSchema,
  COMMENT_REPORT_REASONS,
  commentReportSchema,
  reportedCommentPageSchema,
  commentBanSchema,
  commentBanMadeSchema,
  commentBanPageSchema,
  mediaFailureSchema,
  workflowMediaFailuresSchema,
  taskFeedbackSchema,
  userViewSchema,
  verifiedEmailSchema,
  workflowSkillsSchema,
  excludedVolunteerSchema,
  excludedVolunteerListSchema,
  workflowStatsSchema,
  projectActivitySchema,
  ownActivitySchema,
  workflowSavedSchema,
  workflowCopySchema,
  workflowStatusSchema,
  workflowSummarySchema,
  workflowVersionListSchema,
  workflowVersionSummarySchema,
  workflowVersionViewSchema,
  workflowViewSchema,
  apiKeyViewSchema,
  apiKeyListSchema,
  newApiKeySchema,
  newWebhookSchema,
  webhookDeliveryPageSchema,
  webhookDeliverySchema,
  webhookListSchema,
  webhookViewSchema,
  contributorListSchema,
  contributorSummarySchema,
} from './views';

export type { SubjectInput, SubjectLocation };

export type UserView = z.infer<typeof userViewSchema>;
export type Session = z.infer<typeof sessionSchema>;
export type SignIn = z.infer<typeof signInSchema>;
export type AccountView = z.infer<typeof accountViewSchema>;
export type Contribution = z.infer<typeof contributionSchema>;
export type AccountWorkflow = z.infer<typeof accountWorkflowSchema>;
export type ApiKeyView = z.infer<typeof apiKeyViewSchema>;
export type ApiKeyList = z.infer<typeof apiKeyListSchema>;
export type NewApiKey = z.infer<typeof newApiKeySchema>;
export type ReaggregationRecord = z.infer<typeof reaggregationRecordSchema>;
export type DownloadLink = z.infer<typeof downloadLinkSchema>;
export type ContributorList = z.infer<typeof contributorListSchema>;
export type ContributorSummary = z.infer<typeof contributorSummarySchema>;
export type VerifiedEmail = z.infer<typeof verifiedEmailSchema>;
export type ProjectStatus = z.infer<typeof projectStatusSchema>;
export type ProjectView = z.infer<typeof projectViewSchema>;
export type ProjectTakeDown = z.infer<typeof projectTakeDownSchema>;
export type ProjectSummary = z.infer<typeof projectSummarySchema>;
export type ProjectPage = z.infer<typeof projectListSchema>;
export type ProjectLanguages = z.infer<typeof projectLanguagesSchema>;
/** What `GET /projects` narrows its list by (`limit` and `before` aside). */
export interface ProjectListFilters {
  member?: boolean;
  search?: string;
  /** A language tag, or its start: `fr` is `fr` and `fr-CA`. */
  language?: string;
  /** `paused` and `draft` find only the caller's own projects. */
  status?: ProjectStatus;
}
export interface ProjectInput {
  title: string;
  slug?: string;
  description?: string;
  fieldGuide?: string;
  /** The language its researchers write in (BCP 47): `en` unless given. */
  language?: string;
  status?: ProjectStatus;
}
/** What `PATCH /projects/:id` changes: any of a project's fields, its image with its description (null: none), and whether it publishes results. */
export interface ProjectChanges extends Partial<ProjectInput> {
  imageUrl?: string | null;
  imageAlt?: string | null;
  resultsPublic?: boolean;
}
export type ProjectRole = z.infer<typeof projectRoleSchema>;
export type MemberView = z.infer<typeof memberViewSchema>;
export type InvitationView = z.infer<typeof invitationViewSchema>;
export type OwnInvitation = z.infer<typeof ownInvitationSchema>;
export type SubjectSetView = z.infer<typeof subjectSetViewSchema>;
export type SubjectSetDeleted = z.infer<typeof subjectSetDeletedSchema>;
/** A set as the project's list gives it: with how many subjects it holds. */
export type SubjectSetSummary = z.infer<typeof subjectSetListSchema>['subjectSets'][number];
export type SubjectPage = z.infer<typeof subjectPageSchema>;
export type ResearcherSubject = SubjectPage['subjects'][number];
export type SubjectsAdded = z.infer<typeof subjectsAddedSchema>;
export type SubjectCorrected = z.infer<typeof subjectCorrectedSchema>;
export type SubjectImagesDescribed = z.infer<typeof subjectImagesDescribedSchema>;
export type LocationChange = z.infer<typeof locationChangeSchema>;
export type LocationChangePage = z.infer<typeof locationChangePageSchema>;
/** A subject's locations at new addresses (the same content: as many, of the same types), and why, for the record. */
export interface SubjectCorrectionInput {
  locations: SubjectLocation[];
  reason: string;
}
/** An upload whose subjects already in the project take the locations sent, if they are the same content at new addresses. */
export interface LocationReplacement {
  replaceLocations: true;
  reason: string;
}

export type WorkflowStatus = z.infer<typeof workflowStatusSchema>;
export type WorkflowSummary = z.infer<typeof workflowSummarySchema>;
export type WorkflowView = z.infer<typeof workflowViewSchema>;
export type WorkflowVersionView = z.infer<typeof workflowVersionViewSchema>;
export type WorkflowVersionSummary = z.infer<typeof workflowVersionSummarySchema>;
export type WorkflowVersionList = z.infer<typeof workflowVersionListSchema>;
export type WorkflowSaved = z.infer<typeof workflowSavedSchema>;
export type WorkflowCopy = z.infer<typeof workflowCopySchema>;
/** What `POST /workflows/:id/copies` takes: where the copy goes (the source's project by default), its name (the source's by default), which version (the current one by default), and whether it serves the source's sets (in the same project; true by default). */
export interface WorkflowCopyInput {
  projectId?: string;
  name?: string;
  version?: number;
  linkSubjectSets?: boolean;
}
export type WorkflowInput = WorkflowDefinitionInput & { subjectSetIds?: string[] };

export type QueuedSubject = z.infer<typeof queuedSubjectSchema>;
export type QueueView = z.infer<typeof queueViewSchema>;
export type ChoosableSets = z.infer<typeof choosableSetsSchema>;
export type NeighbourPages = z.infer<typeof neighbourPagesSchema>;
export type HoldsRenewed = z.infer<typeof holdsRenewedSchema>;
export type HoldsReleased = z.infer<typeof holdsReleasedSchema>;
export type WorkflowHoldsEnded = z.infer<typeof workflowHoldsEndedSchema>;
export type PrioritiesSet = z.infer<typeof prioritiesSetSchema>;
export type SubjectsRetired = z.infer<typeof subjectsRetiredSchema>;
export type GuestWorkCarried = z.infer<typeof guestWorkCarriedSchema>;
export type SubjectsUnretired = z.infer<typeof subjectsUnretiredSchema>;
/**
 * Subjects retired or unretired by hand, with the reason: by Chorus id, by the project's own externalId (or both), or
 * a whole subject set linked to the workflow.
 */
export type RetirementInput = { reason: string } & (
  | { subjectIds?: string[]; externalIds?: string[]; subjectSetId?: never }
  | { subjectSetId: string; subjectIds?: never; externalIds?: never }
);
/**
 * What to retire: as `RetirementInput`, and `takeDown: true` to take the subjects named down (personal data, sensitive
 * content: out of every workflow of the project, shown to volunteers nowhere); a moderator's retirement always is one.
 */
export type RetireInput = RetirementInput & { takeDown?: boolean };
/** A subject's place in `priority` selection (lower is served first), the subject by Chorus id or by externalId. */
export type SubjectPriority = { priority: number } & ({ subjectId: string; externalId?: never } | { externalId: string; subjectId?: never });

export interface ClassificationInput {
  workflowId: string;
  workflowVersion: number;
  subjectId: string;
  annotations: Annotation[];
  startedAt?: string;
  finishedAt?: string;
  metadata?: Record<string, unknown>;
}

export type TaskFeedback = z.infer<typeof taskFeedbackSchema>;
/** A submit's answer as the client gives it: what was stored, and whether the idempotency key had been used before. */
export type ClassificationStored = z.infer<typeof classificationStoredSchema>;
export type SubmitResult = ClassificationStored & { replayed: boolean };
export type OwnClassification = z.infer<typeof ownClassificationSchema>;
export type OwnClassificationList = z.infer<typeof ownClassificationListSchema>;
export type Favourite = z.infer<typeof favouriteSchema>;
export type FavouritePage = z.infer<typeof favouritePageSchema>;
export type Collection = z.infer<typeof collectionSchema>;
export type CollectionPage = z.infer<typeof collectionPageSchema>;
export type VolunteerProfile = z.infer<typeof volunteerProfileSchema>;
export type CollectedSubject = z.infer<typeof collectedSubjectSchema>;
export type CollectedSubjectPage = z.infer<typeof collectedSubjectPageSchema>;
export type CollectionInput = { name: string; description?: string | null; public?: boolean };
export type ProposedTag = z.infer<typeof proposedTagSchema>;
export type HiddenTag = z.infer<typeof hiddenTagSchema>;
export type TagProposal = z.infer<typeof tagProposalSchema>;
export type TagProposalPage = z.infer<typeof tagProposalPageSchema>;
/** A tag proposed for a subject in a tagging task, to hide from volunteers (moderators and researchers), and why. */
export interface HiddenTagInput {
  subjectId: string;
  task: string;
  tag: string;
  reason?: string;
}
export type WorkflowStats = z.infer<typeof workflowStatsSchema>;
export type ProjectActivity = z.infer<typeof projectActivitySchema>;
/** The days and scope of `GET /projects/:id/activity` (the last 30 days in UTC, the whole project, when left out). */
export interface ActivityQuery {
  from?: string;
  to?: string;
  workflowId?: string;
  timeZone?: string;
}
export type OwnActivity = z.infer<typeof ownActivitySchema>;
/** The days and scope of `GET /account/activity` (the last 30 days in UTC, every project, when left out). */
export interface OwnActivityQuery {
  from?: string;
  to?: string;
  projectId?: string;
  timeZone?: string;
}
export type ReaggregationRun = z.infer<typeof reaggregationRunSchema>;
export type Problem = z.infer<typeof problemSchema>;

export type SubjectReportReason = (typeof SUBJECT_REPORT_REASONS)[number];
export type SubjectReport = z.infer<typeof subjectReportSchema>;
/** A volunteer's report of a subject they were served: the subject, why, and a note if they wrote one. */
export interface SubjectReportInput {
  subjectId: string;
  reason: SubjectReportReason;
  note?: string;
}
export type SubjectComment = z.infer<typeof subjectCommentSchema>;
export type SubjectCommentPage = z.infer<typeof subjectCommentPageSchema>;
export type ProjectComment = z.infer<typeof projectCommentSchema>;
export type ProjectCommentPage = z.infer<typeof projectCommentPageSchema>;
export type OwnComment = z.infer<typeof ownCommentSchema>;
export type OwnCommentPage = z.infer<typeof ownCommentPageSchema>;
export type SubjectDiscussion = z.infer<typeof subjectDiscussionSchema>;
export type Board = z.infer<typeof boardSchema>;
export type BoardList = z.infer<typeof boardListSchema>;
export type BoardDiscussionSummary = z.infer<typeof boardDiscussionSummarySchema>;
export type BoardDiscussionPage = z.infer<typeof boardDiscussionPageSchema>;
export type BoardDiscussionStarted = z.infer<typeof boardDiscussionStartedSchema>;
export type BoardDiscussion = z.infer<typeof boardDiscussionSchema>;
export type DiscussionFollow = z.infer<typeof discussionFollowSchema>;
export type Notification = z.infer<typeof notificationSchema>;
export type CommentNotification = z.infer<typeof commentNotificationSchema>;
export type WorkflowCompleteNotification = z.infer<typeof workflowCompleteNotificationSchema>;
export type WebhookDisabledNotification = z.infer<typeof webhookDisabledNotificationSchema>;
export type NotificationPage = z.infer<typeof notificationPageSchema>;
export type CommentReportReason = (typeof COMMENT_REPORT_REASONS)[number];
export type CommentReport = z.infer<typeof commentReportSchema>;
/** A volunteer's report of a comment: why, and a note if they wrote one. */
export interface CommentReportInput {
  reason: CommentReportReason;
  note?: string;
}
export type ReportedCommentPage = z.infer<typeof reportedCommentPageSchema>;
export type ReportedComment = ReportedCommentPage['comments'][number];
export type CommentBan = z.infer<typeof commentBanSchema>;
export type CommentBanMade = z.infer<typeof commentBanMadeSchema>;
export type CommentBanPage = z.infer<typeof commentBanPageSchema>;
export type ReportedSubjectPage = z.infer<typeof reportedSubjectPageSchema>;
export type ReportedSubject = ReportedSubjectPage['subjects'][number];
export type MediaFailure = z.infer<typeof mediaFailureSchema>;
/** A volunteer's browser could not load this location (numbered from 1) of a subject it was showing. */
export interface MediaFailureInput {
  subjectId: string;
  location: number;
  /** The address that failed, as the page had it: one researchers corrected since counts nothing (422 at `/url`). */
  url?: string;
}
export type WorkflowMediaFailures = z.infer<typeof workflowMediaFailuresSchema>;
export type MediaFailedSubject = WorkflowMediaFailures['failed'][number];

export type SubjectResultStatus = (typeof SUBJECT_RESULT_STATUSES)[number];
export type SubjectResultSort = (typeof SUBJECT_RESULT_SORTS)[number];
/** A subject results order: one of `SUBJECT_RESULT_SORTS`, or a metadata field's values (`metadata.page`). */
export type SubjectResultOrder = SubjectResultSort | `metadata.${string}`;
export type SubjectResultPage = z.infer<typeof subjectResultPageSchema>;
export type SubjectResult = SubjectResultPage['subjects'][number];
export type SubjectResultDetail = z.infer<typeof subjectResultDetailSchema>;
export type ConsensusReview = z.infer<typeof consensusReviewSchema>;
export type PublishedResult = z.infer<typeof publishedResultSchema>;
export type PublishedResultList = z.infer<typeof publishedResultListSchema>;
export type PublishedText = z.infer<typeof publishedTextSchema>;
export type ReadableSets = z.infer<typeof readableSetsSchema>;
export type PublishedTextPage = z.infer<typeof publishedTextPageSchema>;
export type PublishedTextOfTask = z.infer<typeof publishedTextOfTaskSchema>;
export type SubjectClassification = SubjectResultDetail['classifications'][number];
export type WorkflowSkills = z.infer<typeof workflowSkillsSchema>;
export type VolunteerSkill = WorkflowSkills['skills'][number];
export type ExcludedVolunteer = z.infer<typeof excludedVolunteerSchema>;
export type ExcludedVolunteerList = z.infer<typeof excludedVolunteerListSchema>;
export type EffectMembership = NonNullable<SubjectResultDetail['routing']>[number];
export type RoutedIn = NonNullable<SubjectResultDetail['routedFrom']>[number];
export type TranscriptionWord = z.infer<typeof transcriptionWordSchema>;
export type AboutPageKind = z.infer<typeof aboutPageKindSchema>;
export type AboutPage = z.infer<typeof aboutPageSchema>;
export type AboutPages = z.infer<typeof aboutPagesSchema>;
export type ProjectNews = z.infer<typeof projectNewsSchema>;
export type ProjectNewsPage = z.infer<typeof projectNewsPageSchema>;
export type NewsSubscription = z.infer<typeof newsSubscriptionSchema>;
export type NewsSubscribers = z.infer<typeof newsSubscribersSchema>;
export type MailsStopped = z.infer<typeof mailsStoppedSchema>;
export type WebhookView = z.infer<typeof webhookViewSchema>;
export type WebhookDisabledReason = NonNullable<WebhookView['disabledReason']>;
export type WebhookList = z.infer<typeof webhookListSchema>;
export type NewWebhook = z.infer<typeof newWebhookSchema>;
export type WebhookDelivery = z.infer<typeof webhookDeliverySchema>;
export type WebhookDeliveryPage = z.infer<typeof webhookDeliveryPageSchema>;
