import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Workflow, WorkflowSubjectSet, WorkflowVersion } from '@chorus/db';
import { ProjectsModule } from '../projects/projects.module';
import { WorkflowSubjects } from './workflow-subjects';
import { WorkflowVersions } from './workflow-versions';
import { WorkflowsController } from './workflows.controller';
import { WorkflowsService } from './workflows.service';

@Module({
  imports: [TypeOrmModule.forFeature([Workflow, WorkflowVersion, WorkflowSubjectSet]), ProjectsModule],
  controllers: [WorkflowsController],
  providers: [WorkflowsService, WorkflowSubjects, WorkflowVersions],
  exports: [WorkflowsService, WorkflowSubjects, WorkflowVersions],
})
export class WorkflowsModule {}
