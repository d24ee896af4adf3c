import { readdirSync } from 'node:fs';
import { loadConfig as loadMonitorConfig } from '@switchboard/monitor';
import { loadConfig as loadOptimizerConfig } from '@switchboard/optimizer';
import { loadConfig as loadRegistryConfig } from '@switchboard/registry';
import { loadConfig as loadResourceManagerConfig } from '@switchboard/resource-manager';
import { loadConfig as loadRouterConfig } from '@switchboard/router';
import { loadConfig as loadWorkerConfig } from '@switchboard/worker';
import { repositoryPath } from './repository-path.js';

/** A service's own config reader, as its main.ts calls it with `process.env`. */
export type LoadConfig = (environment: Readonly<Record<string, string | undefined>>) => unknown;

/** The config reader of each long-running service, by its folder name under services/. */
export const SERVICE_CONFIG_LOADERS: Readonly<Record<string, LoadConfig>> = {
  router: loadRouterConfig,
  registry: loadRegistryConfig,
  worker: loadWorkerConfig,
  monitor: loadMonitorConfig,
  optimizer: loadOptimizerConfig,
  'resource-manager': loadResourceManagerConfig,
};

/** Folders of services/ that are not deployed as a long-running service: the CLI (the migrations Job runs it). */
const NOT_DEPLOYED = new Set(['cli']);

/** Every folder of services/ that is deployed as a long-running service. */
export function deployedServices(): string[] {
  return readdirSync(repositoryPath('services'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !NOT_DEPLOYED.has(entry.name))
    .map((entry) => entry.name)
    .sort();
}
