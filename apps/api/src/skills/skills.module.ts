import { Module } from '@nestjs/common';
import { WorkflowsModule } from '../workflows/workflows.module';
import { SkillsController } from './skills.controller';
import { SkillsService } from './skills.service';

/** The volunteers' skills the worker learned for a `bayes` workflow, for its researchers. */
@Module({
  imports: [WorkflowsModule],
  controllers: [SkillsController],
  providers: [SkillsService],
})
export class SkillsModule {}
