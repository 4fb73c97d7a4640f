import { Module } from '@nestjs/common';
import { ExportsModule } from '../exports/exports.module';
import { ProjectsModule } from '../projects/projects.module';
import { WorkflowsModule } from '../workflows/workflows.module';
import { ConsensusController } from './consensus.controller';
import { ConsensusService } from './consensus.service';

@Module({
  imports: [ExportsModule, ProjectsModule, WorkflowsModule],
  controllers: [ConsensusController],
  providers: [ConsensusService],
})
export class ConsensusModule {}
