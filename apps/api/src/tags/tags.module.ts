import { Module } from '@nestjs/common';
import { WorkflowsModule } from '../workflows/workflows.module';
import { TagsController } from './tags.controller';
import { TagsService } from './tags.service';

@Module({
  imports: [WorkflowsModule],
  controllers: [TagsController],
  providers: [TagsService],
})
export class TagsModule {}
