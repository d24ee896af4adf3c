import { pino } from 'pino';
import type { DestinationStream, Logger, LevelWithSilent } from 'pino';
import { censorSecret, REDACTED_PATHS, serializeError } from './redact-secrets.js';
import { activeTraceFields } from './trace-fields.js';

export interface LoggerOptions {
  /** The service name, stamped on every line as `service`. */
  service: string;
  /** @default 'info' */
  level?: LevelWithSilent;
  /** Where lines go; tests pass an in-memory stream. @default stdout */
  destination?: DestinationStream;
}

/**
 * Creates the one pino logger of a process. Components take `logger.child({ component })` and
 * per-request work a further child with `requestId`, `model` and `tenant`. Lines written while a
 * span is active carry its `trace_id` and `span_id`. Secret fields (authorization, API keys,
 * passwords, tokens) are redacted and URL passwords masked, in fields and in logged errors.
 */
export function createLogger(options: LoggerOptions): Logger {
  const settings = {
    level: options.level ?? 'info',
    base: { service: options.service, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin: activeTraceFields,
    redact: { paths: [...REDACTED_PATHS], censor: censorSecret },
    serializers: { err: serializeError },
  };
  return options.destination === undefined ? pino(settings) : pino(settings, options.destination);
}
