import { Body, Controller, Delete, Get, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
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
  @ApiOperation({
    summary: 'Lists a project’s members and their roles, owner first (its researchers: owner, collaborators and scientists).',
    description: 'Roles: owner, collaborator (administers the project and its team), scientist (researcher without the team), moderator (reported subjects and tags). Anyone else gets 403 (404 when the project is not public to them, as a draft is).',
  })
  @ApiZodResponse(memberListSchema, { description: "The project's members, owner first (researchers only)" })
  listMembers(@Param('id', uuidParam('id')) projectId: string, @CurrentUser() user: AuthUser) {
    return this.members.list(projectId, user);
  }

  @Put()
  @ApiOperation({
    summary: 'Changes a member’s role; `owner` hands the project over (its owner and collaborators).',
    description: 'Body: `{ "email", "role" }`; the email names an existing member (422 at `/email` otherwise: invite them with POST /projects/:id/invitations). `role: "owner"` is the owner’s only to give: the member becomes the owner and the old owner stays on as a collaborator. The owner’s own role changes only by handing the project over (422 at `/email`). Anyone else gets 403 (404 when the project is not public to them, as a draft is).',
  })
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
  @ApiOperation({
    summary: 'Removes a member from a project (its owner and collaborators; any member may remove themselves, to leave).',
    description: 'Never the owner (422 at `/params/userId`: hand the project over first). 404 for no such member. Anyone else gets 403 (404 when the project is not public to them, as a draft is).',
  })
  @ApiZodResponse(memberRemovedSchema, { description: 'The member is removed (by the owner and collaborators; any other member may remove themselves, to leave; never the owner)' })
  removeMember(@Param('id', uuidParam('id')) projectId: string, @Param('userId', uuidParam('userId')) userId: string, @CurrentUser() user: AuthUser) {
    return this.members.remove(projectId, userId, user);
  }
}
