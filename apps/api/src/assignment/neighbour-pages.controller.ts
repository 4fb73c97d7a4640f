import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { neighbourPagesSchema } from '@chorus/client';
import { type AuthUser, CurrentUser } from '../auth/auth.decorators';
import { ApiZodQuery, ApiZodResponse, uuidParam, ZodPipe } from '../common/zod';
import { type NeighbourPagesQuery, neighbourPagesQuerySchema } from './dto/assignment.dto';
import { NeighbourPagesService } from './neighbour-pages.service';

@ApiTags('assignment')
@ApiBearerAuth()
@Controller('workflows/:id/subjects/:subjectId/neighbours')
export class NeighbourPagesController {
  constructor(private readonly pages: NeighbourPagesService) {}

  @Get()
  @ApiOperation({
    summary: 'The pages before and after a subject the caller works on, in its subject set’s order (a sentence or a table running over the page break): read-only.',
    description:
      'For a subject the caller holds (served by the queue) or classified in the workflow: its subject set (the one `subjectSetId` names if it has the subject, else the first of the workflow’s linked sets that has it, the one the queue serves it from), its place there (`page` of `pages`), and the members just before and after it, each as the queue shows subjects (media, metadata without the keys kept from volunteers) with its own `page`; null at an end. A retired neighbour is shown; one taken down is skipped, and not counted. It assigns nothing and changes nothing. Anyone who may be served the workflow (a guest too); 404 naming `/params/subjectId` for a subject not in the workflow, taken down, or neither held nor classified by the caller, 404 naming `/params/id` for a workflow not open to them, 409 when it is paused or not active (as the queue), 404 naming `/query/subjectSetId` for a set that is not one of the workflow, 422 naming a bad id or an unknown query parameter.',
  })
  @ApiZodQuery('subjectSetId', neighbourPagesQuerySchema.shape.subjectSetId, {
    required: false,
    description: 'The linked subject set to look around in, for a subject in more than one: the one the volunteer chose (`volunteersChooseSubjectSet`, `GET /workflows/:id/queue?subjectSetId=`). When it does not have the subject (a training subject, served to one who chose a set too), or without it, the first of the workflow’s sets that has the subject',
  })
  @ApiZodResponse(neighbourPagesSchema, { description: 'The subject’s place in its set, and the pages next to it' })
  neighbourPages(
    @Param('id', uuidParam('id')) workflowId: string,
    @Param('subjectId', uuidParam('subjectId')) subjectId: string,
    @Query(new ZodPipe(neighbourPagesQuerySchema, '/query')) { subjectSetId }: NeighbourPagesQuery,
    @CurrentUser() user: AuthUser,
  ) {
    return this.pages.neighbours(workflowId, subjectId, user, subjectSetId ?? null);
  }
}
