import { Module } from '@nestjs/common';
import { WorkflowsModule } from '../workflows/workflows.module';
import { ExportStreams } from './export-streams';
import { ExportsController } from './exports.controller';
import { ExportsService } from './exports.service';

/** The downloads of a workflow's data: consensus and raw classifications, bounded together by EXPORTS_AT_ONCE. */
@Module({
  imports: [WorkflowsModule],
  controllers: [ExportsController],
  providers: [ExportsService, ExportStreams],
})
export class ExportsModule {}
