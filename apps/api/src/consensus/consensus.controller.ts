import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { type AuthUser, CurrentUser } from '../auth/auth.decorators';
import { ZodPipe, uuidParam } from '../common/zod';
import type { ExportFormat } from './consensus-rows';
import { ConsensusService } from './consensus.service';

const formatSchema = z.enum(['csv', 'json', 'ndjson'], { error: 'must be csv, json or ndjson' }).default('csv');

@ApiTags('consensus')
@ApiBearerAuth()
@Controller('workflows/:id/consensus')
export class ConsensusController {
  constructor(private readonly consensus: ConsensusService) {}

  @Get()
  @ApiQuery({ name: 'format', required: false, enum: ['csv', 'json', 'ndjson'] })
  async getConsensus(
    @Param('id', uuidParam('id')) workflowId: string,
    @Query('format', new ZodPipe(formatSchema, '/query/format')) format: ExportFormat,
    @CurrentUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    const { stream, contentType, filename } = await this.consensus.export(workflowId, format, user);
    return reply.header('content-type', contentType).header('content-disposition', `attachment; filename="${filename}"`).send(stream);
  }
}
