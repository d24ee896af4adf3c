import { createLogger } from '@switchboard/logging';
import { startTracing } from '@switchboard/tracing';
import { loadConfig } from './config.js';
import { startRouter } from './service.js';

const config = loadConfig(process.env);
const logger = createLogger({ service: 'router', level: config.logLevel });
// Process-wide and before the first connection, so every span finds the provider.
const tracing = startTracing({ serviceName: 'router', environment: config.otelEnvironment, logger });
const router = await startRouter(config, logger);

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    logger.info({ signal }, 'stopping');
    // After the stop, so the spans of the calls it finished on the way out are exported too.
    router
      .stop()
      .finally(() => tracing.shutdown())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'stop failed');
          process.exit(1);
        },
      );
  });
}
