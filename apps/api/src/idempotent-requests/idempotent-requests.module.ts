import { Global, Module } from '@nestjs/common';
import { IdempotentRequests } from './idempotent-requests';

/** The rule of creations with an `Idempotency-Key`, for every module whose routes create (`IdempotentCreate`). */
@Global()
@Module({ providers: [IdempotentRequests], exports: [IdempotentRequests] })
export class IdempotentRequestsModule {}
