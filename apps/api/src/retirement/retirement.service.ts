import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { AuthUser } from '../auth/auth.decorators';
import { returnedRows } from '../common/sql';
import { WorkflowsService } from '../workflows/workflows.service';
import type { PrioritiesInput, RetirementRequest } from './dto/retirement.dto';

/** Subjects chosen by id, or every subject of a set, within one workflow. */
const CHOSEN = `st.workflow_id = $1 AND (st.subject_id = ANY($2::uuid[])
  OR st.subject_id IN (SELECT m.subject_id FROM subject_set_members m WHERE m.subject_set_id = $3))`;

/** Researchers retire and unretire subjects by hand; both take effect in every queue at once. */
@Injectable()
export class RetirementService {
  constructor(@InjectDataSource() private readonly db: DataSource, private readonly workflows: WorkflowsService) {}

  async retire(workflowId: string, request: RetirementRequest, user: AuthUser): Promise<{ retired: number }> {
    await this.workflows.requireResearcher(workflowId, user);
    const rows = await this.db.query(
      `UPDATE subject_workflow_status st SET retired_at = now(), retirement_reason = 'manual', retirement_detail = $4, retired_by_classification_id = NULL, updated_at = now()
       WHERE ${CHOSEN} AND st.retired_at IS NULL RETURNING st.subject_id`,
      [workflowId, request.subjectIds ?? [], request.subjectSetId ?? null, JSON.stringify({ reason: request.reason, by: user.id })],
    );
    return { retired: returnedRows(rows).length };
  }

  async unretire(workflowId: string, request: RetirementRequest, user: AuthUser): Promise<{ unretired: number }> {
    await this.workflows.requireResearcher(workflowId, user);
    const rows = await this.db.query(
      `UPDATE subject_workflow_status st SET retired_at = NULL, retirement_reason = NULL, retirement_detail = $4, retired_by_classification_id = NULL, updated_at = now()
       WHERE ${CHOSEN} AND st.retired_at IS NOT NULL RETURNING st.subject_id`,
      [workflowId, request.subjectIds ?? [], request.subjectSetId ?? null, JSON.stringify({ unretired: request.reason, by: user.id })],
    );
    return { unretired: returnedRows(rows).length };
  }

  async setPriorities(workflowId: string, input: PrioritiesInput, user: AuthUser): Promise<{ updated: number }> {
    await this.workflows.requireResearcher(workflowId, user);
    const rows = await this.db.query(
      `UPDATE subject_workflow_status st SET priority = p.priority, updated_at = now()
       FROM jsonb_to_recordset($2::jsonb) AS p("subjectId" uuid, priority double precision)
       WHERE st.workflow_id = $1 AND st.subject_id = p."subjectId" RETURNING st.subject_id`,
      [workflowId, JSON.stringify(input.priorities)],
    );
    return { updated: returnedRows(rows).length };
  }
}
