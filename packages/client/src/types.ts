import type { Annotation, FieldError, SubjectInput, SubjectLocation, WorkflowDefinition, WorkflowDefinitionInput } from '@chorus/tasks';

export type { SubjectInput, SubjectLocation };

export interface UserView {
  id: string;
  kind: 'registered' | 'guest';
  displayName: string;
  email: string | null;
}
export interface Session {
  token: string;
  user: UserView;
}

export type ProjectStatus = 'draft' | 'live' | 'paused' | 'finished';
export interface ProjectView {
  id: string;
  slug: string;
  title: string;
  description: string;
  fieldGuide: string;
  status: ProjectStatus;
  ownerId: string;
  createdAt: string;
  workflows: WorkflowSummary[];
}
export interface ProjectInput {
  title: string;
  slug?: string;
  description?: string;
  fieldGuide?: string;
  status?: ProjectStatus;
}


export type WorkflowStatus = 'draft' | 'active' | 'paused' | 'finished';
export interface WorkflowSummary {
  id: string;
  name: string;
  status: WorkflowStatus;
  version: number;
}
export interface WorkflowView extends WorkflowSummary {
  projectId: string;
  definition: WorkflowDefinition;
  subjectSetIds: string[];
}
export interface WorkflowVersionView {
  id: string;
  version: number;
  definition: WorkflowDefinition;
  createdAt: string;
}
export type WorkflowInput = WorkflowDefinitionInput & { subjectSetIds?: string[] };

export interface QueuedSubject {
  id: string;
  externalId: string | null;
  locations: SubjectLocation[];
  /** Metadata whose keys do not start with `#` or `!` (hidden from volunteers, as on Zooniverse). */
  metadata: Record<string, unknown>;
}
export interface QueueView {
  workflowId: string;
  workflowVersion: number;
  subjects: QueuedSubject[];
  finished: boolean;
  /** Why the queue is empty: `seen-everything` or `workflow-finished`. */
  reason?: 'seen-everything' | 'workflow-finished';
  /** Nothing can be served now but more may come (other volunteers hold the last subjects): ask again after this. */
  retryAfterSeconds?: number;
}

export interface ClassificationInput {
  workflowId: string;
  workflowVersion: number;
  subjectId: string;
  annotations: Annotation[];
  startedAt?: string;
  finishedAt?: string;
  metadata?: Record<string, unknown>;
}

/** On a gold-standard subject of a workflow with `feedback`, sent after submitting: the known answer of one task. */
export interface TaskFeedback {
  task: string;
  /** The known answer, in the task's annotation format. */
  expected: unknown;
  /** Whether the volunteer's answer matches it. */
  correct: boolean;
}
export interface SubmitResult {
  id: string;
  /** The idempotency key had been used before: this is the first submission's answer. */
  replayed: boolean;
  feedback?: TaskFeedback[];
}

/** A tag other volunteers proposed for a subject, with the votes on it (proposing counts as an up vote). */
export interface ProposedTag {
  tag: string;
  up: number;
  down: number;
}

export interface WorkflowStats {
  subjects: number;
  retired: number;
  classifications: number;
  volunteers: number;
}

/** A whole workflow's re-aggregation, run by the worker; `progress` counts subjects done of the total. */
export interface ReaggregationRun {
  id: string;
  workflowId: string;
  scope: 'all' | 'unretired';
  state: 'waiting' | 'active' | 'delayed' | 'completed' | 'failed' | 'prioritized' | 'unknown';
  progress: { done: number; total: number; after: string | null } | null;
  failedReason?: string;
}

/** An RFC 9457 problem, with the JSON pointer of every bad field. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
}
