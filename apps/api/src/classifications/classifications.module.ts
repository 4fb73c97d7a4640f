import { Module } from '@nestjs/common';
import { ExportsModule } from '../exports/exports.module';
import { ProjectsModule } from '../projects/projects.module';
import { WorkflowsModule } from '../workflows/workflows.module';
import { ClassificationExportController } from './classification-export.controller';
import { ClassificationExportService } from './classification-export.service';
import { ClassificationWriter } from './classification-writer';
import { ClassificationsController } from './classifications.controller';
import { ClassificationsService } from './classifications.service';

@Module({
  imports: [ExportsModule, ProjectsModule, WorkflowsModule],
  controllers: [ClassificationsController, ClassificationExportController],
  providers: [ClassificationsService, ClassificationWriter, ClassificationExportService],
})
export class ClassificationsModule {}
