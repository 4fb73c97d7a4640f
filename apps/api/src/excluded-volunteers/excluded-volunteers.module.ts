import { Module } from '@nestjs/common';
import { ProjectsModule } from '../projects/projects.module';
import { CountedSet } from './counted-set';
import { ExcludedVolunteersController } from './excluded-volunteers.controller';
import { ExcludedVolunteersService } from './excluded-volunteers.service';

/** Volunteers a project's researchers keep out of its consensus (a vandal, a bot, a careless account). */
@Module({
  imports: [ProjectsModule],
  controllers: [ExcludedVolunteersController],
  providers: [ExcludedVolunteersService, CountedSet],
  exports: [CountedSet],
})
export class ExcludedVolunteersModule {}
