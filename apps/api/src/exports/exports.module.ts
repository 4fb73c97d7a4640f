import { Module } from '@nestjs/common';
import { ExportStreams } from './export-streams';

/** One `ExportStreams` for every download, so that EXPORTS_AT_ONCE bounds them all together. */
@Module({
  providers: [ExportStreams],
  exports: [ExportStreams],
})
export class ExportsModule {}
