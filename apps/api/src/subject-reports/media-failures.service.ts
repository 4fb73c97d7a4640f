import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { MediaFailure, WorkflowMediaFailures } from '@chorus/client';
import type { SubjectLocation } from '@chorus/tasks';
import type { DataSource } from 'typeorm';
import { AssignmentService } from '../assignment/assignment.service';
import type { AuthUser } from '../auth/auth.decorators';
import { validationFailed } from '../common/problem';
import { cursorTimeSql } from '../common/sql';
import { timePage } from '../common/time-pages';
import { WorkflowsService } from '../workflows/workflows.service';
import { type MediaFailureInput, type MediaFailuresQuery } from './dto/media-failure.dto';
import { replacesFailure } from './media-failure-sql';
import { subjectLocationsIn } from './subject-of-workflow';

interface StoredFailureRow {
  subject_id: string;
  location: number;
  created_at: Date;
}

/**
 * Once per volunteer and location while the address stays as it was: a failure after researchers corrected the
 * subject's addresses (whether or not this location's changed) counts anew, in the place of the volunteer's earlier one,
 * which a correction stopped counting (`replacesFailure`).
 */
const STORE = `INSERT INTO media_failures (workflow_id, subject_id, user_id, location, url) VALUES ($1, $2, $3, $4, $5)
  ON CONFLICT (workflow_id, subject_id, user_id, location) DO UPDATE SET url = EXCLUDED.url, created_at = now()
  WHERE ${replacesFailure('media_failures', 'EXCLUDED')}
  RETURNING subject_id, location, created_at`;
const STORED = 'SELECT subject_id, location, created_at FROM media_failures WHERE workflow_id = $1 AND subject_id = $2 AND user_id = $3 AND location = $4';

/**
 * The failures that still count: at the address the subject has there now, and after researchers last corrected its
 * locations (a correction clears its count; a failure said late by a page that showed the address before counts nothing).
 */
const COUNTED = `
  SELECT f.subject_id, count(*)::int AS failures, min(f.created_at) AS first_failed_at, max(f.created_at) AS last_failed_at, ch.corrected_at
  FROM media_failures f
  JOIN subjects s ON s.id = f.subject_id
  LEFT JOIN LATERAL (SELECT max(c.changed_at) AS corrected_at FROM subject_location_changes c WHERE c.subject_id = f.subject_id) ch ON true
  WHERE f.workflow_id = $1 AND f.url = s.locations -> (f.location - 1) ->> 'url' AND f.created_at > coalesce(ch.corrected_at, '-infinity')
  GROUP BY f.subject_id, ch.corrected_at`;

const SUMMARY = `SELECT count(*)::int AS subjects, coalesce(sum(failures), 0)::int AS failures, max(last_failed_at) AS last_failed_at FROM (${COUNTED}) counted`;

interface FailedSubjectRow {
  subject_id: string;
  external_id: string | null;
  failures: number;
  first_failed_at: Date;
  last_failed_at: Date;
  cursor_time: string;
  corrected_at: Date | null;
  retired: boolean;
  locations: SubjectLocation[];
}

/**
 * The subjects whose media failed, newest first by their first counted failure, which later failures never move, so
 * pages read one after another list each subject once (by the last failure, a subject failing again while a researcher
 * pages would jump to the top, past the pages still to read). $2, $3: the cursor (the first failure time and subject id
 * of the last subject of the page before), or nulls; $4: the rows to read.
 */
const LISTED = `
  SELECT counted.*, s.external_id, s.locations, st.retired_at IS NOT NULL AS retired, ${cursorTimeSql('counted.first_failed_at')} AS cursor_time
  FROM (${COUNTED}) counted
  JOIN subjects s ON s.id = counted.subject_id
  LEFT JOIN subject_workflow_status st ON st.workflow_id = $1 AND st.subject_id = counted.subject_id
  WHERE $2::timestamptz IS NULL OR (counted.first_failed_at, counted.subject_id) < ($2::timestamptz, $3::uuid)
  ORDER BY counted.first_failed_at DESC, counted.subject_id DESC
  LIMIT $4`;

/**
 * The loads of subjects' images and recordings that failed in volunteers' browsers, which the classifier says by itself
 * (most volunteers shown a broken image do not report it), and what researchers are told of them: which subjects, how
 * many failed loads, and when the last was.
 */
@Injectable()
export class MediaFailuresService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly workflows: WorkflowsService,
    private readonly assignment: AssignmentService,
  ) {}

  /** Counts the caller's failure to load a location of a subject of the workflow, once: said again, it answers the first. */
  async failed(workflowId: string, { subjectId, location, url }: MediaFailureInput, user: AuthUser): Promise<MediaFailure & { replayed: boolean }> {
    await this.assignment.requireClassifiable(workflowId, user);
    const medium = (await subjectLocationsIn(this.db, workflowId, subjectId))[location - 1];
    if (!medium || medium.type === 'text') throw validationFailed([{ pointer: '/location', message: 'must name one of the subject’s images or recordings, numbered from 1' }]);
    // A page that loaded the subject before researchers corrected its address says nothing of the address it has now.
    if (url !== undefined && url !== medium.url) throw validationFailed([{ pointer: '/url', message: 'is not the address of that location now: researchers corrected it since the page loaded the subject, so its failure counts nothing' }]);
    const parameters = [workflowId, subjectId, user.id, location];
    const [stored] = await this.db.query<StoredFailureRow[]>(STORE, [...parameters, medium.url]);
    const [first] = stored ? [stored] : await this.db.query<StoredFailureRow[]>(STORED, parameters);
    return { subjectId: first!.subject_id, location: first!.location, failedAt: first!.created_at.toISOString(), replayed: !stored };
  }

  /** What volunteers' browsers could not load in the workflow, at the addresses its subjects have now, a page of subjects at a time (its researchers). */
  async ofWorkflow(workflowId: string, { limit, after }: MediaFailuresQuery, user: AuthUser): Promise<WorkflowMediaFailures> {
    await this.workflows.requireResearcher(workflowId, user);
    const [[summary], rows] = await Promise.all([
      this.db.query<{ subjects: number; failures: number; last_failed_at: Date | null }[]>(SUMMARY, [workflowId]),
      this.db.query<FailedSubjectRow[]>(LISTED, [workflowId, after?.time ?? null, after?.id ?? null, limit + 1]),
    ]);
    const { page, next } = timePage(rows, limit, 'subject_id');
    return {
      subjects: summary!.subjects,
      failures: summary!.failures,
      lastFailedAt: summary!.last_failed_at?.toISOString() ?? null,
      failed: page.map((row) => ({
        subjectId: row.subject_id,
        externalId: row.external_id,
        failures: row.failures,
        firstFailedAt: row.first_failed_at.toISOString(),
        lastFailedAt: row.last_failed_at.toISOString(),
        retired: row.retired,
        locations: row.locations,
        locationsCorrectedAt: row.corrected_at?.toISOString() ?? null,
      })),
      next,
    };
  }
}
