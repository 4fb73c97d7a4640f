import { Body, Controller, Delete, Get, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { memberListSchema, memberRemovedSchema, memberViewSchema } from '@chorus/client';
import { type AuthUser, CurrentUser } from '../auth/auth.decorators';
import { ApiZodBody, ApiZodResponse, uuidParam, ZodPipe } from '../common/zod';
import { type MemberRoleInput, memberRoleSchema } from './dto/member.dto';
import { MembersService } from './members.service';
import { AccessFirst } from '../projects/access-first';
import { PROJECT_ADMINISTRATORS } from '../projects/project-access';

@ApiTags('members')
@ApiBearerAuth()
@Controller('projects/:id/members')
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @Get()
  @ApiZodResponse(memberListSchema, { description: "The project's members, owner first (researchers only)" })
  listMembers(@Param('id', uuidParam('id')) projectId: string, @CurrentUser() user: AuthUser) {
    return this.members.list(projectId, user);
  }

  @Put()
  @AccessFirst(PROJECT_ADMINISTRATORS)
  @ApiZodBody(
    memberRoleSchema,
    "Changes a member's role, the member named by their email (owner and collaborators only); people join by accepting an invitation (POST /projects/:id/invitations). The owner hands the project over with role `owner`, staying on as a collaborator.",
  )
  @ApiZodResponse(memberViewSchema)
  setMember(@Param('id', uuidParam('id')) projectId: string, @Body(new ZodPipe(memberRoleSchema)) input: MemberRoleInput, @CurrentUser() user: AuthUser) {
    return this.members.set(projectId, input, user);
  }

  @Delete(':userId')
  @ApiZodResponse(memberRemovedSchema, { description: 'The member is removed (by the owner and collaborators; any other member may remove themselves, to leave; never the owner)' })
  removeMember(@Param('id', uuidParam('id')) projectId: string, @Param('userId', uuidParam('userId')) userId: string, @CurrentUser() user: AuthUser) {
    return this.members.remove(projectId, userId, user);
  }
}
