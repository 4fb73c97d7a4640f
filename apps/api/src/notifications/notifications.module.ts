import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { UnsubscriptionsModule } from '../unsubscriptions/unsubscriptions.module';
import { CompletionMails } from './completion-mails';
import { NotificationsController } from './notifications.controller';
import { NotificationsService } from './notifications.service';

@Module({
  imports: [AuthModule, UnsubscriptionsModule],
  controllers: [NotificationsController],
  providers: [NotificationsService, CompletionMails],
  exports: [NotificationsService],
})
export class NotificationsModule {}
