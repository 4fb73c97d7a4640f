import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { downloadLinkSchema, publishedResultListSchema, publishedResultSchema, publishedTextSchema, readableSetsSchema } from '@chorus/client';
import type { FastifyReply } from 'fastify';
import { type AuthUser, CurrentSession, CurrentUser, OptionalUser, Public } from '../auth/auth.decorators';
import type { TokenSession } from '../auth/ended-sessions';
import { KeyScope } from '../auth/key-scopes';
import { revalidated } from '../common/cache-control';
import { RequestOrigin } from '../common/request-origin.decorator';
import { ApiZodBody, ApiZodResponse, ZodPipe, uuidParam } from '../common/zod';
import { contentDisposition, downloadName } from '../exports/download-names';
import { PUBLISHED_TEXT_FORMATS, type PublishedTextLinkRequest, type PublishedTextQuery, publishedTextLinkSchema, publishedTextQuerySchema } from './dto/published-text.dto';
import { PublishedResultsService } from './published-results.service';

/** What both routes publish, and what they never do. */
const PUBLISHED =
  'Each task’s consensus the consensus path reaches, as the researchers’ results give it (`answer` flattened as the downloads flatten it: a transcription’s text with its line breaks, choices’ values joined by `;`), with the review that replaces it (`reviewed`: approved, or corrected to the reviewer’s answer; an approval whose consensus changed since is none), and the subject’s metadata as volunteers see it (no `#`, `//` or `!` fields); a task whose consensus needs checking is left out until a review settles it. Never who classified or reviewed, never known answers. ' +
  'A subject is published once a workflow not in draft finished it by its retirement rule or by its team’s hand (`manual`: a team decision), while it is still in the workflow, is not a gold-standard subject and is not taken down by the project’s team; one retired by leaving the workflow (`unlinked`) is not. ' +
  'Only while its project publishes results (set by its owner or a collaborator with PATCH /projects/:id `{ "resultsPublic": true }`), else 404 naming `/params/id` (a project the operators took down publishes nothing, to its members too). `Cache-Control: no-cache` to anyone without credentials: a take-down unpublishes at once.';

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

  @Get('subject-sets/:id/published-text')
  @Public()
  @ApiOperation({
    summary: 'A subject set read as a document: its subjects in the set’s order, each finished one’s published transcriptions, gaps for the others, when the project publishes results (`resultsPublic`; no token needed for a public project).',
    description: `${PUBLISHED} A page per subject of the set, in the set’s own order (its members’ positions, as the transcriptions download of a set), numbered from 1 (\`page\`): one the workflow publishes gives its metadata as volunteers see it and each transcription task’s text (\`texts\`, of the workflow’s current version in the order the workflow reaches them, each \`{ task, instruction, text, state }\`: the review’s where one replaced the consensus; \`state\` \`transcribed\`, else why there is none: \`notReached\`, \`waitingForCheck\` or \`notTranscribed\`); any other subject is a gap (\`published\` false, \`metadata\` and \`texts\` null), whether not finished yet or a gold-standard subject: a gap says no more than a published result’s 404 does. A subject taken down is left out, the pages numbered without it (as the neighbour pages number them). With \`format=text\`, the whole set as one plain UTF-8 text attachment, streamed a batch of pages at a time (\`text/plain\`, \`Content-Disposition\` naming a .txt file), written as the transcriptions download writes its text: each page headed \`=== Page <n> · <subject id> ===\`, then each transcription task’s text, a blank line between two, each headed \`--- <instruction> ---\` where there are several (a text line that begins with \`---\` escaped too), \`[not transcribed yet]\` for a gap or a task without a published text, \`[not transcribed: the consensus path does not lead to this task]\` for one not reached, \`[waiting for a check]\` for one held for a check, \`[blank: the consensus is that there is no text]\` for an empty one, a blank line between two pages; the same for a draft project’s members by a download link (POST /subject-sets/:id/published-text/download-links), opened without an Authorization header. 404 naming \`/params/id\` for a set the caller may not read (a draft project’s, to anyone but its members) or of a project that does not publish its results; 404 naming \`/query/projectId\` for a set not in the project \`projectId\` names; 404 naming \`/query/workflowId\` for a workflow that is not the project’s, is in draft or does not serve the set (or serves it as its training set); 422 naming \`/query/workflowId\` for one without a transcription task; 422 naming the parameter for an id that is not a UUID, another format, or a \`limit\` or \`after\` not as given.`,
  })
  @ApiQuery({ name: 'workflowId', required: true, schema: { type: 'string', format: 'uuid' }, description: 'The workflow, not in draft, that serves the set, whose published results to read' })
  @ApiQuery({ name: 'projectId', required: false, schema: { type: 'string', format: 'uuid' }, description: 'The project the set must be in (a page that names a project by its address): 404 naming `/query/projectId` for a set of another project' })
  @ApiQuery({ name: 'format', required: false, schema: { type: 'string', enum: [...PUBLISHED_TEXT_FORMATS], default: 'json' }, description: '`json`: a page of pages; `text`: the whole document, plain text, as a download' })
  @ApiQuery({
    name: 'token',
    required: false,
    schema: { type: 'string' },
    description: 'A download link’s (POST /subject-sets/:id/published-text/download-links gives the whole link), in place of the Authorization header, so that a draft project’s member’s browser saves the text as it streams; never a personal API key (401 naming `token`)',
  })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 25 }, description: 'How many pages (subjects) a page of JSON holds' })
  @ApiQuery({ name: 'after', required: false, schema: { type: 'string' }, description: 'The `next` of the page before' })
  @ApiZodResponse(publishedTextSchema, { description: 'A page of the set’s pages (with format=text: the whole document, `text/plain`)' })
  async publishedText(@Param('id', uuidParam('id')) setId: string, @Query(new ZodPipe(publishedTextQuerySchema, '/query')) query: PublishedTextQuery, @Res({ passthrough: true }) reply: FastifyReply, @OptionalUser() user?: AuthUser) {
    const reader = await this.results.reader(setId, query.workflowId, user, query.token);
    revalidated(reply, user);
    // A link's reader's text is theirs: kept by no cache, though no Authorization header came with it.
    if (query.token !== undefined) reply.header('cache-control', 'private, no-store');
    if (query.format === 'json') return this.results.setText(setId, query.workflowId, query, reader);
    const { name, text } = await this.results.setTextFile(setId, query.workflowId, query.projectId, reader);
    reply.header('content-type', 'text/plain; charset=utf-8').header('content-disposition', contentDisposition(downloadName('published-text', { id: setId, name }, new Date(), 'txt')));
    return text;
  }

  @Post('subject-sets/:id/published-text/download-links')
  @KeyScope('read')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Makes a link to a set’s published text as plain text (GET /subject-sets/:id/published-text?format=text) that needs no Authorization header, for 10 minutes: for a draft project’s members, whose browser saves the file as it streams.',
    description:
      'Body: `{ "workflowId" }`, the workflow whose text, as the text download’s. Refused as that download is refused to the caller (404 naming `/params/id` or `/query/workflowId`, 422 for a workflow without a transcription task). The link carries `format=text` and the workflow; it stops working when the session (or API key) that asked for it signs out (is revoked), and whoever opens it must still be able to read the set’s text (401 naming `token` for a link to another set or workflow, or ended).',
  })
  @ApiZodBody(publishedTextLinkSchema)
  @ApiZodResponse(downloadLinkSchema, { status: 201, description: 'A link to the set’s published text that needs no Authorization header, for 10 minutes (or until the session that asked for it expires, if sooner)' })
  publishedTextLink(
    @Param('id', uuidParam('id')) setId: string,
    @Body(new ZodPipe(publishedTextLinkSchema)) { workflowId }: PublishedTextLinkRequest,
    @CurrentUser() user: AuthUser,
    @CurrentSession() session: TokenSession,
    @RequestOrigin() origin: string | undefined,
  ) {
    return this.results.setTextLink(setId, workflowId, user, session, origin);
  }

  @Get('projects/:id/readable-sets')
  @Public()
  @ApiOperation({
    summary: 'The project’s subject sets that read as a document (GET /subject-sets/:id/published-text), each with the workflow that gives its text, when the project publishes results (`resultsPublic`; no token needed for a public project).',
    description:
      'Each set served by a workflow of the project not in draft (finished and paused ones too) that has a transcription task in its current version, with that workflow (a set two such workflows serve is listed with each), the oldest workflow first and each one’s sets in its order; a workflow’s training set is left out. Whether volunteers may choose a set or not, and whether its subjects are finished or not: the document marks its gaps. 404 naming `/params/id` for a project the caller may not read (a draft one, to anyone but its members) or that does not publish its results (one the operators took down publishes nothing); 422 naming `/params/id` for an id that is not a UUID.',
  })
  @ApiZodResponse(readableSetsSchema, { description: 'The project’s sets that read as a document' })
  readableSets(@Param('id', uuidParam('id')) projectId: string, @Res({ passthrough: true }) reply: FastifyReply, @OptionalUser() user?: AuthUser) {
    revalidated(reply, user);
    return this.results.readableSets(projectId, user);
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
