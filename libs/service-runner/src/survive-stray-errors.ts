import type { Logger } from '@switchboard/logging';

/**
 * Keeps a serving process alive through an exception thrown outside any request's error handling
 * (in a timer, an event handler) and through a promise rejection nobody handled: each is logged at
 * error level with its stack, and the process carries on.
 *
 * Node's default is to exit, which for a process serving many clients turns one bad request into an
 * outage for all of them. Every such error is a bug to fix — the log line is there to find it — but
 * the state a stray error can corrupt is the one request it came from, which has already failed.
 */
export function surviveStrayErrors(logger: Logger): void {
  process.on('uncaughtException', (error, origin) => {
    logger.error({ err: error, origin }, 'uncaught exception; the service keeps running');
  });
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason }, 'unhandled promise rejection; the service keeps running');
  });
}
