import { provideInfrastructure } from '@switchboard/local-infra';
import type { TestProject } from 'vitest/node';
import { readTestkitConfig } from './config.js';
// Brings the ProvidedContext augmentation into this file, so provide() is type-checked.
import type {} from './test-infrastructure.js';

/**
 * Vitest global setup: provides NATS and PostgreSQL once per test run (from `NATS_URL` /
 * `DATABASE_URL`, else throwaway local servers, else containers) and hands their URLs to
 * every project through `provide`. Tests read them with `testInfrastructure()`.
 * @returns the teardown, which stops whatever was started
 * @throws {InfrastructureUnavailableError} naming what to install when nothing can be provided
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const config = readTestkitConfig();
  const infrastructure = await provideInfrastructure({
    natsUrl: config.natsUrl,
    databaseUrl: config.databaseUrl,
  });
  project.provide('natsUrl', infrastructure.natsUrl);
  project.provide('databaseUrl', infrastructure.databaseUrl);
  return () => infrastructure.stop();
}
