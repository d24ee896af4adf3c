import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from '@switchboard/logging';
import type { Sql } from 'postgres';

/** How often a standby process asks for the lock. */
const RETRY_INTERVAL_MS = 1_000;

/** The right to be the one active writer for a key, held as a Postgres session-level advisory lock. */
export interface WriterLock {
  /** Unlocks and returns the session to the pool. Idempotent. */
  release(): Promise<void>;
}

/** What the lock is for, for its key and the standby's log line. */
export interface WriterLockOptions {
  /** Names what only one process may do, e.g. `switchboard-monitor:TELEMETRY`. */
  readonly key: string;
  /** Logged once while standing by, e.g. "another monitor counts this stream". */
  readonly standbyMessage: string;
  readonly logger: Logger;
}

/**
 * Waits until this process holds the advisory lock of `key`: the monitor (one counter per telemetry
 * stream, else records are merged twice) and the optimizer (one learner per namespace, else durable
 * consumers' records split and versions clash) stand by while another holds it, and take over when
 * it stops or dies — Postgres frees a dead session's locks, SIGKILL included.
 * @throws Error (from postgres) when the database is unreachable.
 */
export async function acquireWriterLock<Types extends Record<string, unknown>>(
  database: Sql<Types>,
  options: WriterLockOptions,
): Promise<WriterLock> {
  const { key, standbyMessage, logger } = options;
  const session = await database.reserve();
  try {
    let warned = false;
    for (;;) {
      const [row] = await session<
        { locked: boolean }[]
      >`select pg_try_advisory_lock(hashtext(${key})) as locked`;
      if (row?.locked === true) break;
      if (!warned) logger.warn({ key }, `${standbyMessage}; standing by until it stops`);
      warned = true;
      await delay(RETRY_INTERVAL_MS);
    }
  } catch (error) {
    session.release();
    throw error;
  }
  let releasing: Promise<void> | undefined;
  return {
    release() {
      releasing ??= (async () => {
        try {
          await session`select pg_advisory_unlock(hashtext(${key}))`;
        } finally {
          session.release();
        }
      })();
      return releasing;
    },
  };
}
