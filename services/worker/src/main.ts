import { createLogger } from '@switchboard/logging';
import { loadConfig } from './config.js';
import { startWorker } from './service.js';

const config = loadConfig(process.env);
const logger = createLogger({ service: 'worker', level: config.logLevel });
const worker = await startWorker(config, logger);

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    logger.info({ signal }, 'draining');
    worker.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'drain failed');
        process.exit(1);
      },
    );
  });
}
