import { ABOUT_PAGE_KINDS, MARKDOWN_LENGTH, type AboutPageKind, aboutPagesSchema } from '@chorus/client';
import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { type AuthUser, CurrentUser, OptionalUser, Public } from '../auth/auth.decorators';
import { ApiZodBody, ApiZodResponse, ZodPipe, uuidParam } from '../common/zod';
import { AccessFirst } from '../projects/access-first';
import { PROJECT_ADMINISTRATORS } from '../projects/project-access';
import { AboutPagesService } from './about-pages.service';
import { type AboutPageInput, AboutPageKindPipe, aboutPageInputSchema } from './dto/about-page.dto';

const KINDS = ABOUT_PAGE_KINDS.join(', ');

@ApiTags('projects')
@ApiBearerAuth()
@Controller('projects/:id/pages')
export class AboutPagesController {
  constructor(private readonly pages: AboutPagesService) {}

  @Get()
  @Public()
  @ApiOperation({
    summary: 'A project’s About pages with content (Research, The Team, Results, Education, FAQ), in that order.',
    description: `Each \`{ kind, content, updatedAt }\`, \`kind\` one of ${KINDS}; a page without content is not listed. \`language\` is the project’s, the language its pages are written in. No token needed for a public project (live, paused or finished); a draft’s (or one taken down) pages are its members’ only (404 to others).`,
  })
  @ApiZodResponse(aboutPagesSchema)
  listAboutPages(@Param('id', uuidParam('id')) projectId: string, @OptionalUser() user?: AuthUser) {
    return this.pages.list(projectId, user);
  }

  @Put(':kind')
  @AccessFirst(PROJECT_ADMINISTRATORS)
  @ApiOperation({
    summary: 'Writes one of a project’s About pages; empty content removes it (its owner and collaborators).',
    description: `Body: \`{ content }\`, Markdown of at most ${MARKDOWN_LENGTH.toLocaleString('en')} characters (422 at \`/content\` otherwise); empty, or only spaces, removes the page. Answers the project’s pages as they now are. A kind other than ${KINDS}: 404 at \`/params/kind\`. Anyone else gets 403 (404 when the project is not public to them, as a draft is).`,
  })
  @ApiParam({ name: 'kind', enum: ABOUT_PAGE_KINDS, description: 'Which page' })
  @ApiZodBody(aboutPageInputSchema, 'The page’s Markdown ("" removes it)')
  @ApiZodResponse(aboutPagesSchema, { description: 'The project’s pages with content, as they now are' })
  setAboutPage(
    @Param('id', uuidParam('id')) projectId: string,
    @Param('kind', new AboutPageKindPipe()) kind: AboutPageKind,
    @Body(new ZodPipe(aboutPageInputSchema)) input: AboutPageInput,
    @CurrentUser() user: AuthUser,
  ) {
    return this.pages.set(projectId, kind, input, user);
  }
}
