export * from './entities';
export * from './data-source';
export { SnakeNamingStrategy } from './naming';
export {
  OWE_AGGREGATION,
  type SubjectSetLeft,
  UNLINK,
  UNLINKED,
  addToSubjectSet,
  isUnlinked,
  joinWorkflows,
  keptOnlyForHold,
  leaveSet,
  leaveWorkflow,
  lockSetForLeaving,
  recordDepartures,
  rejoinLinkedSets,
  removeFromSubjectSet,
} from './subject-sets';
export { recordCommentDeletions } from './comment-deletions';
export { storedConsensusOf } from './stored-consensus';
export { cursorTimeSql, isoTimeSql } from './time-sql';
export { COMMENT_BANNED, COMMENT_BAN_LOCKED, lockCommentBan, lockCommentBanShared, lockedCommentBan } from './comment-bans';
export { TAKE_DOWN_LOCK, isTakenDownSql, moderatedRetirementSql, takeDownCarriedSql, takeDownMarkSql } from './take-downs';
export { type Routed, effectAddsTo, holdRoutingOf, mayRoute, routeSubject } from './effect-routing';
export { WorkflowDefinitionCache } from './workflow-definitions';
export { preparedQuery } from './prepared';
export { inNaturalOrder } from './natural-order';
export { COUNTS_TOWARD_RETIREMENT, EXCLUDED_NOW, byExcludedNowSql, byExcludedVolunteerOfWorkflowSql, byExcludedVolunteerSql, lockExclusion, lockExclusionsShared } from './excluded-volunteers';
export { MAILED_READER_SQL, PUBLIC_PROJECT_SQL, PUBLIC_PROJECT_STATUSES, projectReadableBySql } from './project-access';
export { tellCompletion } from './workflow-completion';
export { type Feeding, LEFT_TO_CLASSIFY, completeWorkflows, feedersOf, feedingOf, workflowCompleting } from './workflow-progress';
export { OWE_CLASSIFICATION_STAMPS, owedClassificationStamps, stampDeletedClassifications } from './deleted-accounts';
export {
  answerReaggregations,
  owedReaggregations,
  owedSkillsReaggregations,
  oweSkillsReaggregation,
  reaggregationsRequested,
  recordReaggregationFinished,
  recordReaggregationRequested,
  recordReaggregationStarted,
  requestReaggregation,
  restartedReaggregation,
  restartedSkillsReaggregation,
  skillsReaggregationStarting,
  type ReaggregationRunRecorded,
} from './reaggregations';
export { WEBHOOK_DELIVERIES_KEPT_DAYS, WEBHOOK_FAILURES_BEFORE_DISABLED, WEBHOOK_OLD_SECRET_HOURS, countDeliveryEnd, forgetReplacedSecrets, pruneWebhookDeliveries, recordSubjectEvents, recordSubjectEventsIn, recordWorkflowCompleted, waitingWebhookDeliveries } from './webhooks';
