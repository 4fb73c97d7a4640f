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

export interface WorkflowStats {
  subjects: number;
  retired: number;
  classifications: number;
  volunteers: number;
}

/** An RFC 9457 problem, with the JSON pointer of every bad field. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
}
