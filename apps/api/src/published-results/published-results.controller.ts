import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { publishedResultListSchema, publishedResultSchema } from '@chorus/client';
import type { FastifyReply } from 'fastify';
import { type AuthUser, OptionalUser, Public } from '../auth/auth.decorators';
import { ApiZodResponse, uuidParam } from '../common/zod';
import { PublishedResultsService } from './published-results.service';

/** What both routes publish, and what they never do. */
const PUBLISHED =
  'Each task’s consensus the consensus path reaches, as the researchers’ results give it (`answer` flattened as the downloads flatten it: a transcription’s text with its line breaks, choices’ values joined by `;`), with the review that replaces it (`reviewed`: approved, or corrected to the reviewer’s answer; an approval whose consensus changed since is none), and the subject’s metadata as volunteers see it (no `#`, `//` or `!` fields); a task whose consensus needs checking is left out until a review settles it. Never who classified or reviewed, never known answers. ' +
  'A subject is published once a workflow not in draft finished it by its retirement rule or by its team’s hand (`manual`: a team decision), while it is still in the workflow, is not a gold-standard subject and is not taken down by the project’s team; one retired by leaving the workflow (`unlinked`) is not. ' +
  'Only while its project publishes results (set by its owner or a collaborator with PATCH /projects/:id `{ "resultsPublic": true }`), else 404 naming `/params/id` (a project the operators took down publishes nothing, to its members too). `Cache-Control: no-cache` to anyone without credentials: a take-down unpublishes at once.';

/** Answers to anyone are kept by caches only to be asked again (a take-down unpublishes); with credentials, the hook's `private, no-store` stays. */
const revalidated = (reply: FastifyReply, user: AuthUser | undefined) => {
  if (!user) reply.header('cache-control', 'no-cache');
};

@ApiTags('subject-results')
@ApiBearerAuth()
@Controller()
export class PublishedResultsController {
  constructor(private readonly results: PublishedResultsService) {}

  @Get('workflows/:id/subjects/:subjectId/result')
  @Public()
  @ApiOperation({
    summary: 'A finished subject’s result in one workflow, when its project publishes results (`resultsPublic`; no token needed for a public project).',
    description: `${PUBLISHED} 404 naming \`/params/subjectId\` for a subject the workflow does not publish (not finished, finished otherwise, not in it, a gold-standard subject, taken down; a draft workflow’s to its members); 404 naming \`/params/id\` for a workflow the caller may not read (a draft workflow, or a draft project’s, to anyone but its members); 422 naming \`/params/id\` or \`/params/subjectId\` for an id that is not a UUID.`,
  })
  @ApiZodResponse(publishedResultSchema, { description: 'The subject’s published result' })
  publishedResult(@Param('id', uuidParam('id')) workflowId: string, @Param('subjectId', uuidParam('subjectId')) subjectId: string, @Res({ passthrough: true }) reply: FastifyReply, @OptionalUser() user?: AuthUser) {
    revalidated(reply, user);
    return this.results.result(workflowId, subjectId, user);
  }

  @Get('projects/:id/subjects/:subjectId/results')
  @Public()
  @ApiOperation({
    summary: 'A subject’s results in every workflow of the project that publishes it (finished and paused ones too), when the project publishes results (`resultsPublic`; no token needed for a public project).',
    description: `${PUBLISHED} One result for each workflow not in draft that publishes the subject, the oldest workflow first; none (an empty list) for a subject none publishes, or not in the project. 404 naming \`/params/id\` for a project the caller may not read (a draft one, to anyone but its members); 422 naming \`/params/id\` or \`/params/subjectId\` for an id that is not a UUID.`,
  })
  @ApiZodResponse(publishedResultListSchema, { description: 'The subject’s published results' })
  publishedResults(@Param('id', uuidParam('id')) projectId: string, @Param('subjectId', uuidParam('subjectId')) subjectId: string, @Res({ passthrough: true }) reply: FastifyReply, @OptionalUser() user?: AuthUser) {
    revalidated(reply, user);
    return this.results.ofProject(projectId, subjectId, user);
  }
}
