import { createLogger } from '@switchboard/logging';
import { startTracing } from '@switchboard/tracing';
import { loadConfig } from './config.js';
import type { MonitorConfig } from './config.js';
import { start } from './service.js';

// The process entry: config, logger, start, signals, exit codes. Everything else lives in service.ts.

/** Exit code for a configuration the operator must fix (not worth restarting unchanged). */
const EXIT_INVALID_CONFIG = 2;
const EXIT_FAILURE = 1;

function readConfig(): MonitorConfig {
  try {
    return loadConfig(process.env);
  } catch (error) {
    createLogger({ service: 'monitor' }).fatal({ err: error }, 'invalid configuration');
    process.exit(EXIT_INVALID_CONFIG);
  }
}

const config = readConfig();
const logger = createLogger({ service: 'monitor', level: config.logLevel });
// Process-wide and before the first connection, so every span finds the provider.
const tracing = startTracing({ serviceName: 'monitor', environment: config.otelEnvironment, logger });

try {
  const monitor = await start(config, logger);
  const shutdown = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'stopping');
    // After the stop, so the spans of the calls it finished on the way out are exported too.
    monitor
      .stop()
      .finally(() => tracing.shutdown())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'stop failed');
          process.exit(EXIT_FAILURE);
        },
      );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
} catch (error) {
  logger.fatal({ err: error }, 'monitor failed to start');
  process.exit(EXIT_FAILURE);
}
