import { runService } from '@switchboard/service-runner';
import { loadConfig } from './config.js';
import { start } from './service.js';

// The process entry. runService reads the config, creates the logger, starts tracing and the
// service, and owns the signals and exit codes (2: invalid config, 1: failed start or stop).
await runService({ name: 'resource-manager', loadConfig, start });
