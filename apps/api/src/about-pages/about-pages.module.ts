import { Module } from '@nestjs/common';
import { ProjectsModule } from '../projects/projects.module';
import { AboutPagesController } from './about-pages.controller';
import { AboutPagesService } from './about-pages.service';

@Module({
  imports: [ProjectsModule],
  controllers: [AboutPagesController],
  providers: [AboutPagesService],
})
export class AboutPagesModule {}
