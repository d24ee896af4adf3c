import { mkdirSync } from 'node:fs';
import type { Logger } from '@switchboard/logging';
import { startServiceProcess } from '@switchboard/service-runner';
import type { ServiceProcess } from '@switchboard/service-runner';
import type { PoolDriver } from './pool-driver.js';

/**
 * SIGKILL follows SIGTERM after this long: a worker drains within its WORKER_DRAIN_GRACE (10 s by
 * default) and needs a moment more to disconnect.
 */
const DEFAULT_STOP_GRACE_MS = 30_000;

/** Options for {@link createLocalPoolDriver}. */
export interface LocalPoolDriverOptions {
  /** Prefix of the worker ids: `<managerId>-w<n>`, n counting up from 1 and never reused. */
  readonly managerId: string;
  /** Where each worker's `<workerId>.log` goes; created if missing. */
  readonly logDirectory: string;
  /** WORKER_MEMORY_BYTES of every worker. */
  readonly workerMemoryBytes: number;
  /**
   * Environment of every worker over the manager's own: NATS_URL, SWITCHBOARD_NAMESPACE, LOG_LEVEL
   * and the RM_LOCAL_WORKER_ENV extras. WORKER_ID, WORKER_MODELS, METRICS_PORT and WORKER_MEMORY_BYTES
   * are the driver's and cannot be overridden.
   */
  readonly workerEnvironment: Readonly<Record<string, string>>;
  readonly logger: Logger;
  /** @default 30_000 */
  readonly stopGraceMs?: number;
}

/**
 * Runs the pool as worker processes on this host (`node <@switchboard/worker>/dist/main.js`).
 * Workers start with no models (the manager assigns them) and a free metrics port. A worker that
 * exits on its own is logged and no longer counted, so the next resize starts a replacement.
 */
export function createLocalPoolDriver(options: LocalPoolDriverOptions): PoolDriver {
  mkdirSync(options.logDirectory, { recursive: true });
  const workerEntry = import.meta.resolve('@switchboard/worker');
  const stopGraceMs = options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS;
  const { logger } = options;
  /** The running workers in start order, so the newest is last. */
  const running = new Map<string, ServiceProcess>();
  /** Workers told to stop, by id, until they exited. */
  const stopping = new Map<string, Promise<void>>();
  let started = 0;
  let stopped = false;

  function startWorker(): void {
    started += 1;
    const workerId = `${options.managerId}-w${started}`;
    const worker = startServiceProcess(
      workerId,
      workerEntry,
      {
        ...options.workerEnvironment,
        WORKER_ID: workerId,
        WORKER_MODELS: '',
        // Several workers share the host: each takes a free port rather than the default 9403.
        METRICS_PORT: '0',
        WORKER_MEMORY_BYTES: String(options.workerMemoryBytes),
      },
      options.logDirectory,
    );
    running.set(workerId, worker);
    logger.info({ workerId, logFile: worker.logFile }, 'worker process started');
    void worker.exited.then((code) => {
      if (running.get(workerId) !== worker) return;
      running.delete(workerId);
      logger.warn({ workerId, code, logFile: worker.logFile }, 'worker process exited unexpectedly');
    });
  }

  function stopWorker(workerId: string, reason: string): void {
    const worker = running.get(workerId);
    if (worker === undefined) return;
    running.delete(workerId);
    logger.info({ workerId, reason }, 'stopping worker process');
    stopping.set(
      workerId,
      worker.stop(stopGraceMs).then(() => {
        stopping.delete(workerId);
        logger.info({ workerId }, 'worker process stopped');
      }),
    );
  }

  return {
    name: 'local',
    // Stopping does not wait for the drain: the control loop must not stall while a worker finishes its jobs.
    async resize(count, removable) {
      if (stopped) return;
      for (const workerId of removable) stopWorker(workerId, 'drained');
      for (const workerId of [...running.keys()].reverse()) {
        if (running.size <= count) break;
        stopWorker(workerId, 'surplus');
      }
      while (running.size < count) startWorker();
    },
    owns: (workerId) => running.has(workerId) || stopping.has(workerId),
    async stop() {
      stopped = true;
      for (const workerId of [...running.keys()]) stopWorker(workerId, 'driver stopping');
      await Promise.all(stopping.values());
    },
  };
}
