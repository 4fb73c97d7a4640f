import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Project, ProjectMember } from '@chorus/db';
import { ProjectAccess } from './project-access';
import { ProjectLanguagesController, ProjectsController } from './projects.controller';
import { ProjectsService } from './projects.service';

@Module({
  imports: [TypeOrmModule.forFeature([Project, ProjectMember])],
  controllers: [ProjectsController, ProjectLanguagesController],
  providers: [ProjectsService, ProjectAccess],
  exports: [ProjectsService, ProjectAccess],
})
export class ProjectsModule {}
