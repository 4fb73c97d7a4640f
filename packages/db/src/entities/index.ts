export * from './user.entity';
export * from './project.entity';
export * from './subject.entity';
export * from './workflow.entity';
export * from './subject-status.entity';
export * from './classification.entity';
export * from './consensus.entity';
export * from './consensus-review.entity';
export * from './assignment.entity';
export * from './aggregation-outbox.entity';
export * from './reaggregation-run.entity';
export * from './mail-outbox.entity';
export * from './subject-report.entity';
export * from './media-failure.entity';
export * from './hidden-tag.entity';
export * from './effect-membership.entity';
export * from './favourite.entity';
export * from './collection.entity';
export * from './ended-session.entity';
export * from './idempotent-request.entity';
export * from './tutorial-seen.entity';
export * from './api-key.entity';
export * from './subject-comment.entity';
export * from './board.entity';
export * from './webhook.entity';

import { AggregationOutbox } from './aggregation-outbox.entity';
import { ApiKey } from './api-key.entity';
import { Assignment } from './assignment.entity';
import { BoardDiscussion, ProjectBoard } from './board.entity';
import { Classification } from './classification.entity';
import { Consensus, VolunteerSkill } from './consensus.entity';
import { ConsensusReview } from './consensus-review.entity';
import { EndedSession } from './ended-session.entity';
import { EffectMembership, SubjectSetRemoval } from './effect-membership.entity';
import { Collection, CollectionSubject } from './collection.entity';
import { Favourite } from './favourite.entity';
import { HiddenTag, UnhiddenTag } from './hidden-tag.entity';
import { IdempotentRequest } from './idempotent-request.entity';
import { MailOutbox } from './mail-outbox.entity';
import { Project, ProjectFormerSlug, ProjectInvitation, ProjectMember } from './project.entity';
import { ReaggregationRunRecord } from './reaggregation-run.entity';
import { SubjectSetDeparture, SubjectWorkflowDeparture, SubjectWorkflowStatus } from './subject-status.entity';
import { Subject, SubjectLocationChange, SubjectSet, SubjectSetMember } from './subject.entity';
import { SubjectReport } from './subject-report.entity';
import { CommentNotification, CommentReport, SubjectComment, SubjectCommentDeletion } from './subject-comment.entity';
import { MediaFailure } from './media-failure.entity';
import { TutorialSeen } from './tutorial-seen.entity';
import { User } from './user.entity';
import { Webhook, WebhookDelivery } from './webhook.entity';
import { Workflow, WorkflowSubjectSet, WorkflowVersion } from './workflow.entity';

export const entities = [
  User, Project, ProjectFormerSlug, ProjectMember, ProjectInvitation, SubjectSet, Subject, SubjectSetMember, Workflow, WorkflowVersion,
  WorkflowSubjectSet, SubjectWorkflowStatus, Classification, Consensus, VolunteerSkill, Assignment, AggregationOutbox,
  ReaggregationRunRecord, MailOutbox, SubjectReport, MediaFailure, HiddenTag, UnhiddenTag, SubjectLocationChange, EffectMembership, Favourite,
  SubjectSetRemoval, EndedSession, SubjectWorkflowDeparture, SubjectSetDeparture, IdempotentRequest, TutorialSeen, ConsensusReview, ApiKey, SubjectComment,
  SubjectCommentDeletion, CommentNotification, CommentReport, Collection, CollectionSubject, Webhook, WebhookDelivery,
  ProjectBoard, BoardDiscussion,
];
