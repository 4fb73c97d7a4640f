import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { NewsLinks } from '../project-news/news-links';
import { CompletionMails } from './completion-mails';
import { CompletionUnsubscriptionsController, DiscussionUnsubscriptionsController, NotificationsController } from './notifications.controller';
import { NotificationsService } from './notifications.service';

@Module({
  imports: [AuthModule],
  controllers: [NotificationsController, DiscussionUnsubscriptionsController, CompletionUnsubscriptionsController],
  providers: [NotificationsService, NewsLinks, CompletionMails],
  exports: [NotificationsService],
})
export class NotificationsModule {}
