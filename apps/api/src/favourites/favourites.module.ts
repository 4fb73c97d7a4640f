import { Module } from '@nestjs/common';
import { WorkflowsModule } from '../workflows/workflows.module';
import { FavouritesController } from './favourites.controller';
import { FavouritesService } from './favourites.service';

@Module({
  imports: [WorkflowsModule],
  controllers: [FavouritesController],
  providers: [FavouritesService],
})
export class FavouritesModule {}
