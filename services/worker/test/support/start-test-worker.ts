import { createLogger } from '@switchboard/logging';
import type { Logger } from '@switchboard/logging';
import type { RegistryFixture } from '@switchboard/registry/testing';
import { loadConfig, startWorker } from '../../src/index.js';
import type { RunningWorker } from '../../src/index.js';

/**
 * Starts an in-process worker serving `model` in the registry fixture's namespace, heartbeating
 * every 200 ms, its /metrics on a free port and its logs silent unless a logger is given;
 * `environment` adds or overrides variables (WORKER_ID, WORKER_MEMORY_BYTES, …). The caller stops it.
 */
export function startTestWorker(
  registry: RegistryFixture,
  model: string,
  logger: Logger = createLogger({ service: 'worker', level: 'silent' }),
  environment: Readonly<Record<string, string>> = {},
): Promise<RunningWorker> {
  const config = loadConfig({
    NATS_URL: registry.config.natsUrl,
    SWITCHBOARD_NAMESPACE: registry.config.namespace,
    WORKER_MODELS: model,
    WORKER_HEARTBEAT_INTERVAL: '200ms',
    METRICS_HOST: '127.0.0.1',
    METRICS_PORT: '0',
    ...environment,
  });
  return startWorker(config, logger);
}
