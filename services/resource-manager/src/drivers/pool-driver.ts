import type { DriverName } from '../config.js';

/** Grows and shrinks the worker pool; the manager decides the size, the driver makes it so. */
export interface PoolDriver {
  readonly name: DriverName;
  /**
   * Asks for `count` workers in total, not counting `removable`.
   * @param removable worker ids the manager already drained, to stop first (ids the driver does not own are ignored).
   * @throws Error when the platform refuses the change (the next call tries again).
   */
  resize(count: number, removable: readonly string[]): Promise<void>;
  /** Whether this driver started the worker (and may stop it). */
  owns(workerId: string): boolean;
  /** Stops what the driver started (local: SIGTERM its workers and wait). Idempotent. */
  stop(): Promise<void>;
}
