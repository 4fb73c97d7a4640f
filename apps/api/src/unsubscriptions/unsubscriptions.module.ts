import { Module } from '@nestjs/common';
import { UnsubscribeLinks } from './unsubscribe-links';
import { UnsubscriptionsController } from './unsubscriptions.controller';
import { UnsubscriptionsService } from './unsubscriptions.service';

@Module({
  controllers: [UnsubscriptionsController],
  providers: [UnsubscriptionsService, UnsubscribeLinks],
  exports: [UnsubscribeLinks],
})
export class UnsubscriptionsModule {}
