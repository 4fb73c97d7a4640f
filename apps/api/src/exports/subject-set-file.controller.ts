import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { type AuthUser, CurrentUser } from '../auth/auth.decorators';
import { HeaderValue } from '../common/header.decorator';
import { uuidParam } from '../common/zod';
import { AccessFirst } from '../projects/access-first';
import { SUBJECT_SET_RESEARCHERS, SubjectSetsService } from '../subject-sets/subject-sets.service';
import { type SubjectSetFileQuery, subjectSetFileQuery } from './dto/download.dto';
import { contentTypes } from './export-format';
import { ApiDownloadLimits, send } from './exports.controller';
import { ExportsService } from './exports.service';

/** A subject set's subjects as the CSV file an upload reads (Zooniverse's subjects export), to correct and upload again. */
@ApiTags('subjects')
@ApiBearerAuth()
@Controller('subject-sets/:id')
export class SubjectSetFileController {
  constructor(
    private readonly exports: ExportsService,
    private readonly subjectSets: SubjectSetsService,
  ) {}

  @Get('subjects.csv')
  @AccessFirst(SUBJECT_SET_RESEARCHERS)
  @ApiQuery({ name: 'format', required: false, enum: ['csv'] })
  @ApiQuery({ name: 'bom', required: false, description: '`true`: the file starts with a byte-order mark, so that Excel reads its accents as UTF-8', schema: { type: 'string', enum: ['true', 'false'], default: 'false' } })
  @ApiOkResponse({ description: 'The set’s subjects as a CSV attachment, streamed, one row per subject in the set’s order', content: { [contentTypes.csv]: { schema: { type: 'string', format: 'binary' } } } })
  @ApiDownloadLimits()
  @ApiOperation({
    summary: 'Downloads a subject set’s subjects as the CSV file an upload reads, streamed, in the set’s order (its project’s researchers).',
    description:
      'Columns in the upload’s own names: `external_id`; the locations’ (`image_url`, `image_url_2`…, with `iiif_service` and `image_alt` beside an image when any of the set’s has one, then `audio_url`…, then `text`…, a text’s highlighted words marked `[[like this]]`), as many of each as the subject with the most has; then a column per metadata key, private ones included, named as the key, in code-point order (a text, number or true/false as it is, a list or an object as JSON, empty where the subject has none). ' +
      'Cells a spreadsheet would run as a formula start with an apostrophe, as in the other downloads. Upload the file, corrected, into the set again (POST /subject-sets/:id/subjects): its subjects are found by external id, none added twice, their metadata replaced by the file’s (as text; a cell left empty is kept as an empty text). Known answers and priorities are not in it. ' +
      '`format=csv` (the only one) and `bom=true` (a byte-order mark, for Excel) may be given; anything else, 422 naming it. Anyone else gets 403 (404 when the project is not public to them, as a draft is).',
  })
  async download(
    @Param('id', uuidParam('id')) subjectSetId: string,
    @Query(subjectSetFileQuery) query: SubjectSetFileQuery,
    @HeaderValue('accept-encoding') acceptEncoding: string | undefined,
    @CurrentUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    const set = await this.subjectSets.requireSetOfResearcher(subjectSetId, user);
    return send(reply, await this.exports.subjectSetFile(set, query.bom, user), acceptEncoding);
  }
}
