import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { type AuthUser, CurrentUser } from '../auth/auth.decorators';
import { ZodPipe, uuidParam } from '../common/zod';
import { EXPORT_FORMATS, type ExportFormat, exportFormatSchema } from '../exports/export-format';
import { sendDownload } from '../exports/export-streams';
import { ClassificationExportService } from './classification-export.service';

@ApiTags('classifications')
@ApiBearerAuth()
@Controller('workflows/:id/classifications')
export class ClassificationExportController {
  constructor(private readonly classifications: ClassificationExportService) {}

  @Get()
  @ApiOperation({ summary: 'Download every classification of the workflow, one flat row each (researchers only).' })
  @ApiQuery({ name: 'format', required: false, enum: EXPORT_FORMATS })
  async getClassifications(
    @Param('id', uuidParam('id')) workflowId: string,
    @Query('format', new ZodPipe(exportFormatSchema, '/query/format')) format: ExportFormat,
    @CurrentUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    return sendDownload(reply, await this.classifications.export(workflowId, format, user));
  }
}
