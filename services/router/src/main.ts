import { createLogger } from '@switchboard/logging';
import { loadConfig } from './config.js';
import { startRouter } from './service.js';

const config = loadConfig(process.env);
const logger = createLogger({ service: 'router', level: config.logLevel });
const router = await startRouter(config, logger);

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    logger.info({ signal }, 'stopping');
    router.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'stop failed');
        process.exit(1);
      },
    );
  });
}
