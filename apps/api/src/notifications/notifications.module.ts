import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { NewsLinks } from '../project-news/news-links';
import { DiscussionUnsubscriptionsController, NotificationsController } from './notifications.controller';
import { NotificationsService } from './notifications.service';

@Module({
  imports: [AuthModule],
  controllers: [NotificationsController, DiscussionUnsubscriptionsController],
  providers: [NotificationsService, NewsLinks],
  exports: [NotificationsService],
})
export class NotificationsModule {}
