import { Module } from '@nestjs/common';
import { DiscussionsModule } from '../discussions/discussions.module';
import { ProjectsModule } from '../projects/projects.module';
import { BoardsController } from './boards.controller';
import { BoardsService } from './boards.service';

@Module({
  imports: [ProjectsModule, DiscussionsModule],
  controllers: [BoardsController],
  providers: [BoardsService],
})
export class BoardsModule {}
