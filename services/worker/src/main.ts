import { createLogger } from '@switchboard/logging';
import { startTracing } from '@switchboard/tracing';
import { loadConfig } from './config.js';
import { startWorker } from './service.js';

const config = loadConfig(process.env);
const logger = createLogger({ service: 'worker', level: config.logLevel });
// Process-wide and before the first connection, so every span finds the provider.
const tracing = startTracing({ serviceName: 'worker', environment: config.otelEnvironment, logger });
const worker = await startWorker(config, logger);

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    logger.info({ signal }, 'draining');
    // After the drain, so the spans of the jobs it finished on the way out are exported too.
    worker
      .stop()
      .finally(() => tracing.shutdown())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'drain failed');
          process.exit(1);
        },
      );
  });
}
