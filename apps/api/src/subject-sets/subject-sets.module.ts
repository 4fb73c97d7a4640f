import { Module } from '@nestjs/common';
import { ProjectsModule } from '../projects/projects.module';
import { SubjectSetsController } from './subject-sets.controller';
import { ImageDescriptionsService } from './image-descriptions.service';
import { SubjectCorrectionsService } from './subject-corrections.service';
import { SubjectSetsService } from './subject-sets.service';

@Module({
  imports: [ProjectsModule],
  controllers: [SubjectSetsController],
  providers: [SubjectSetsService, SubjectCorrectionsService, ImageDescriptionsService],
  exports: [SubjectSetsService],
})
export class SubjectSetsModule {}
