// Structured JSON logs (pino) with secrets redacted before they reach any sink.
import { pino, type Logger, type LoggerOptions } from 'pino';

/** Paths that may carry credentials; their values are replaced, never logged. */
export const REDACTED_PATHS = [
  'authorization',
  'password',
  'token',
  'secret',
  'apiKey',
  '*.authorization',
  '*.password',
  '*.token',
  '*.secret',
  '*.apiKey',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
];

export function loggerOptions(service: string, level: string): LoggerOptions {
  return {
    level,
    base: { service },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
}

export function createLogger(service: string, level = 'info'): Logger {
  return pino(loggerOptions(service, level));
}

export type { Logger } from 'pino';

/** What code that only writes log lines needs: a pino logger, or a Fastify request's (`request.log`). */
export type LogWriter = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;
