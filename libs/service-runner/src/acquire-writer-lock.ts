import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from '@switchboard/logging';
import type { Database } from './open-database.js';

/** How often a standby optimizer asks for the lock. */
const RETRY_INTERVAL_MS = 1_000;

/** The right to learn for one namespace, held as a Postgres session-level advisory lock. */
export interface WriterLock {
  /** Unlocks and returns the session to the pool. Idempotent. */
  release(): Promise<void>;
}

/**
 * Waits until this process is the only optimizer of `namespace`. Two would split the durable
 * consumers' records between them and publish clashing versions; with the lock a second one stands
 * by and takes over when the first stops or dies (Postgres frees a dead session's locks).
 * @throws Error (from postgres) when the database is unreachable.
 */
export async function acquireWriterLock(
  database: Database,
  namespace: string,
  logger: Logger,
): Promise<WriterLock> {
  const session = await database.reserve();
  const key = `switchboard-optimizer:${namespace}`;
  try {
    let warned = false;
    for (;;) {
      const [row] = await session<
        { locked: boolean }[]
      >`select pg_try_advisory_lock(hashtext(${key})) as locked`;
      if (row?.locked === true) break;
      if (!warned)
        logger.warn({ namespace }, 'another optimizer learns for this namespace; standing by until it stops');
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
