import { Module } from '@nestjs/common';
import { ProjectsModule } from '../projects/projects.module';
import { NewsLinks } from './news-links';
import { ProjectNewsController } from './project-news.controller';
import { ProjectNewsService } from './project-news.service';

@Module({
  imports: [ProjectsModule],
  controllers: [ProjectNewsController],
  providers: [ProjectNewsService, NewsLinks],
})
export class ProjectNewsModule {}
