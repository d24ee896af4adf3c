import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { reportProgress } from './report-progress.js';

/** What happened to one request of an open-loop run; times are wall ms after the run started. */
export interface OpenLoopOutcome {
  /** The request's position in the schedule. */
  readonly index: number;
  /** When the call was made: its scheduled time, or a little later when the sender fell behind. */
  readonly sentAtMs: number;
  /** When the answer or the error came back. */
  readonly doneAtMs: number;
  /** gRPC status code: 0 answered, UNKNOWN (2) for a failure that carries none. */
  readonly code: number;
}

/** Options of {@link sendOpenLoop}. */
export interface OpenLoopOptions {
  /** When each request is sent, wall ms after the start, ascending. */
  readonly offsetsMs: readonly number[];
  /** Sends request `index`; resolves when it was answered, rejects (with a gRPC `code`) when it failed. */
  readonly send: (index: number) => Promise<unknown>;
  /** Labels the progress lines. */
  readonly label: string;
  /** Wall ms between progress lines. @default 5000 */
  readonly progressIntervalMs?: number;
}

const DEFAULT_PROGRESS_INTERVAL_MS = 5_000;
/** grpc-js's UNKNOWN: what a failure without a status code is counted as. */
const UNKNOWN_CODE = 2;

function codeOf(error: unknown): number {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' && code !== 0 ? code : UNKNOWN_CODE;
}

/**
 * Sends requests open loop: each at its scheduled time whether or not earlier ones were answered,
 * as independent clients would, so a slow system meets a growing queue instead of a slower
 * client. Resolves once every request was answered or failed; reports progress every 5 s.
 */
export async function sendOpenLoop(options: OpenLoopOptions): Promise<OpenLoopOutcome[]> {
  const startedAt = performance.now();
  const elapsedMs = () => performance.now() - startedAt;
  let sent = 0;
  let done = 0;
  const progress = setInterval(() => {
    const seconds = (elapsedMs() / 1_000).toFixed(0);
    reportProgress(
      `  ${options.label}: sent ${sent}/${options.offsetsMs.length}, answered ${done}, ${seconds} s`,
    );
  }, options.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS);
  const sendOne = async (index: number, sentAtMs: number): Promise<OpenLoopOutcome> => {
    let code = 0;
    try {
      await options.send(index);
    } catch (error) {
      code = codeOf(error);
    }
    done += 1;
    return { index, sentAtMs, doneAtMs: elapsedMs(), code };
  };
  try {
    const pending: Promise<OpenLoopOutcome>[] = [];
    for (const [index, offsetMs] of options.offsetsMs.entries()) {
      const waitMs = offsetMs - elapsedMs();
      // Timers fire about a millisecond late at best; sending a little early costs nothing.
      if (waitMs > 1) await sleep(waitMs);
      sent += 1;
      pending.push(sendOne(index, elapsedMs()));
    }
    return await Promise.all(pending);
  } finally {
    clearInterval(progress);
  }
}
