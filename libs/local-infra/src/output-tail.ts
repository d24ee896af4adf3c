import type { Readable } from 'node:stream';
import type { Logger } from './logger.js';

const MAX_TAIL_LINES = 40;

/** Keeps the last lines a child process wrote and forwards each line to an optional logger. */
export interface OutputTail {
  /** Starts reading `stream` line by line. */
  follow(stream: Readable): void;
  /** The last lines seen, oldest first, joined by newlines. */
  text(): string;
}

/**
 * Creates an {@link OutputTail}. Reading the pipes matters even without a logger: a child
 * whose pipe buffer fills up blocks on its next write.
 * @param label prefix for forwarded lines, e.g. `nats`
 */
export function createOutputTail(label: string, logger?: Logger): OutputTail {
  const lines: string[] = [];
  const record = (line: string): void => {
    lines.push(line);
    if (lines.length > MAX_TAIL_LINES) lines.shift();
    logger?.(`[${label}] ${line}`);
  };
  return {
    follow(stream) {
      let partial = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        const parts = (partial + chunk).split('\n');
        partial = parts.pop() ?? '';
        for (const line of parts) record(line.trimEnd());
      });
      stream.on('end', () => {
        if (partial !== '') record(partial.trimEnd());
        partial = '';
      });
    },
    text: () => lines.join('\n'),
  };
}
