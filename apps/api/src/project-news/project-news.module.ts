import { Module } from '@nestjs/common';
import { ProjectsModule } from '../projects/projects.module';
import { NewsDeliveries } from './news-deliveries';
import { NewsLinks } from './news-links';
import { ProjectNewsController } from './project-news.controller';
import { ProjectNewsService } from './project-news.service';

@Module({
  imports: [ProjectsModule],
  controllers: [ProjectNewsController],
  providers: [ProjectNewsService, NewsLinks, NewsDeliveries],
})
export class ProjectNewsModule {}
