import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { ProjectsModule } from '../projects/projects.module';
import { UnsubscriptionsModule } from '../unsubscriptions/unsubscriptions.module';
import { NewsDeliveries } from './news-deliveries';
import { ProjectNewsController } from './project-news.controller';
import { ProjectNewsService } from './project-news.service';

@Module({
  imports: [ProjectsModule, AuthModule, UnsubscriptionsModule],
  controllers: [ProjectNewsController],
  providers: [ProjectNewsService, NewsDeliveries],
})
export class ProjectNewsModule {}
