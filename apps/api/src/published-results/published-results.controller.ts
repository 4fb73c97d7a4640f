import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { publishedResultSchema } from '@chorus/client';
import { type AuthUser, OptionalUser, Public } from '../auth/auth.decorators';
import { ApiZodResponse, uuidParam } from '../common/zod';
import { PublishedResultsService } from './published-results.service';

@ApiTags('subject-results')
@ApiBearerAuth()
@Controller('workflows/:id/subjects/:subjectId/result')
export class PublishedResultsController {
  constructor(private readonly results: PublishedResultsService) {}

  @Get()
  @Public()
  @ApiOperation({
    summary: 'A retired subject’s result, when its project publishes results (`resultsPublic`; no token needed for a public project).',
    description:
      'Each task’s consensus the consensus path reaches, as the researchers’ results give it (`answer` flattened as the downloads flatten it: a transcription’s text with its line breaks, choices’ values joined by `;`), with the review that replaces it (`reviewed`: approved, or corrected to the reviewer’s answer), and the subject’s metadata as volunteers see it (no `#`, `//` or `!` fields). Never who classified or reviewed, never known answers. ' +
      'Only once the workflow retired the subject and while its project publishes results (set by its owner or a collaborator with PATCH /projects/:id `{ "resultsPublic": true }`). ' +
      '404 naming `/params/subjectId` for a subject not retired in the workflow, not in it, or taken down by the project’s team (a gold-standard subject, whose known answers its consensus would tell, is never retired but taken down), and for a project that does not publish results or that the operators took down; 404 naming `/params/id` for a workflow the caller may not read (a draft project’s to anyone but its members); 422 naming `/params/id` or `/params/subjectId` for an id that is not a UUID.',
  })
  @ApiZodResponse(publishedResultSchema, { description: 'The subject’s published result' })
  publishedResult(@Param('id', uuidParam('id')) workflowId: string, @Param('subjectId', uuidParam('subjectId')) subjectId: string, @OptionalUser() user?: AuthUser) {
    return this.results.result(workflowId, subjectId, user);
  }
}
