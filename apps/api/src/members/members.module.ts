import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { ProjectsModule } from '../projects/projects.module';
import { InvitationsController } from './invitations.controller';
import { InvitationsService } from './invitations.service';
import { MembersController } from './members.controller';
import { MembersService } from './members.service';

@Module({
  imports: [AuthModule, ProjectsModule],
  controllers: [MembersController, InvitationsController],
  providers: [MembersService, InvitationsService],
  exports: [InvitationsService],
})
export class MembersModule {}
