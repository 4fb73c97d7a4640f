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

/** An emitter's errors (a BullMQ queue losing Redis) as warnings naming it, at most one every `everyMs`. */
export function warnOfErrors(emitter: { on(event: 'error', listener: (error: Error) => void): unknown }, name: string, warn: (message: string) => void, everyMs?: number): void {
  const throttled = throttledWarning(warn, everyMs);
  emitter.on('error', (error) => throttled(`${name}: ${error.message}`));
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
