import { envUrl, parseConfig, variable } from '@switchboard/config';
import type { Environment } from '@switchboard/config';

/** The environment the test kit reads: both URLs optional, since a missing one is started locally. */
export interface TestkitConfig {
  /** `NATS_URL`: a running NATS server with JetStream to use instead of a throwaway one. */
  readonly natsUrl: string | undefined;
  /** `DATABASE_URL`: a running PostgreSQL server to use instead of a throwaway one. */
  readonly databaseUrl: string | undefined;
}

const SHAPE = {
  NATS_URL: variable(envUrl(['nats:']), 'nats://127.0.0.1:4222'),
  DATABASE_URL: variable(envUrl(['postgres:', 'postgresql:']), 'postgres://postgres@127.0.0.1:5432/postgres'),
};

/**
 * Reads `NATS_URL` and `DATABASE_URL`. Unset or empty means "start one for me".
 * @throws {ConfigError} when a variable is set but is not a nats:// or postgres:// URL
 */
export function readTestkitConfig(environment: Environment = process.env): TestkitConfig {
  const parsed = parseConfig(SHAPE, environment);
  return Object.freeze({ natsUrl: parsed.NATS_URL, databaseUrl: parsed.DATABASE_URL });
}
