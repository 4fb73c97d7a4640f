import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module';
import { ProjectsModule } from '../projects/projects.module';
import { CommentBansController } from './comment-bans.controller';
import { CommentBansService } from './comment-bans.service';
import { DiscussionsController } from './discussions.controller';
import { DiscussionsService } from './discussions.service';
import { OwnCommentsController } from './own-comments.controller';
import { OwnCommentsService } from './own-comments.service';

@Module({
  imports: [ProjectsModule, NotificationsModule],
  controllers: [DiscussionsController, CommentBansController, OwnCommentsController],
  providers: [DiscussionsService, CommentBansService, OwnCommentsService],
  exports: [DiscussionsService],
})
export class DiscussionsModule {}
