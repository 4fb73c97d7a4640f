import type { LoggerService } from '@nestjs/common';
import pino, { type Logger } from 'pino';

/** A process's logger; `serializers` say how to write the values of some fields (a request, say). */
export function createLogger(level: string, name: string, serializers?: pino.LoggerOptions['serializers']): Logger {
  return pino({ level, name, base: { pid: process.pid }, ...(serializers ? { serializers } : {}) });
}

/** Sends Nest's own log lines through pino, so that every line a process writes is structured JSON. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  log(message: unknown, context?: string) {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.logger.trace({ context }, String(message));
  }
}

/** A listener for an emitter's errors (a BullMQ queue losing Redis) that warns naming it, at most once every `everyMs`. */
export function warningOfErrors(name: string, warn: (message: string) => void, everyMs?: number): (error: Error) => void {
  const throttled = throttledWarning(warn, everyMs);
  return (error) => throttled(`${name}: ${error.message}`);
}

/**
 * A warning that repeats (a lost Redis is reported once per reconnect attempt), written at most once every `everyMs`,
 * saying how many it stands for.
 */
export function throttledWarning(warn: (message: string) => void, everyMs = 30_000): (message: string) => void {
  let lastWrittenAt = -Infinity;
  let unwritten = 0;
  return (message) => {
    const now = Date.now();
    if (now - lastWrittenAt < everyMs) {
      unwritten++;
      return;
    }
    warn(unwritten ? `${message} (and ${unwritten} more since the last such warning)` : message);
    lastWrittenAt = now;
    unwritten = 0;
  };
}
