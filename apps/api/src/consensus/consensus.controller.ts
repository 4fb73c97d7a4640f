import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { type AuthUser, CurrentUser } from '../auth/auth.decorators';
import { ZodPipe, uuidParam } from '../common/zod';
import { EXPORT_FORMATS, type ExportFormat, exportFormatSchema } from '../exports/export-format';
import { sendDownload } from '../exports/export-streams';
import { ConsensusService } from './consensus.service';

@ApiTags('consensus')
@ApiBearerAuth()
@Controller('workflows/:id/consensus')
export class ConsensusController {
  constructor(private readonly consensus: ConsensusService) {}

  @Get()
  @ApiQuery({ name: 'format', required: false, enum: EXPORT_FORMATS })
  async getConsensus(
    @Param('id', uuidParam('id')) workflowId: string,
    @Query('format', new ZodPipe(exportFormatSchema, '/query/format')) format: ExportFormat,
    @CurrentUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    return sendDownload(reply, await this.consensus.export(workflowId, format, user));
  }
}
