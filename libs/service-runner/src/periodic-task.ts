import type { Logger } from '@switchboard/logging';

/**
 * Runs an async task every `intervalMs` (the monitor's checkpoints and load snapshots, the optimizer's
 * publication, batching and canary rounds). A tick that comes while the previous run is still going is
 * skipped rather than queued, so a slow NATS or Postgres never piles up concurrent runs.
 */
export class PeriodicTask {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly task: () => Promise<void>,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.#timer ??= setInterval(() => this.#tick(), this.intervalMs);
  }

  /** Stops ticking and waits for a run in progress. Idempotent. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running;
  }

  #tick(): void {
    if (this.#running !== undefined) {
      this.logger.debug({ task: this.name }, 'previous run still going; skipping a tick');
      return;
    }
    this.#running = this.task()
      .catch((error: unknown) =>
        this.logger.warn({ err: error, task: this.name }, 'periodic task failed; retrying on the next tick'),
      )
      .finally(() => {
        this.#running = undefined;
      });
  }
}
