import { Global, Module } from '@nestjs/common';
import { MailOutbox } from './mail-outbox';
import { Mailer } from './mailer';

@Global()
@Module({ providers: [Mailer, MailOutbox], exports: [Mailer, MailOutbox] })
export class MailModule {}
