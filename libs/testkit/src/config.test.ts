import { ConfigError } from '@switchboard/config';
import { describe, expect, it } from 'vitest';
import { readTestkitConfig } from './config.js';

describe('readTestkitConfig', () => {
  it('reads NATS_URL and DATABASE_URL', () => {
    const config = readTestkitConfig({
      NATS_URL: 'nats://127.0.0.1:4222',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
    });

    expect(config).toEqual({
      natsUrl: 'nats://127.0.0.1:4222',
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/postgres',
    });
  });

  it('treats unset and empty variables as "start one for me"', () => {
    expect(readTestkitConfig({ NATS_URL: '' })).toEqual({ natsUrl: undefined, databaseUrl: undefined });
  });

  it('fails naming the variable and an example when a URL has the wrong scheme', () => {
    expect(() => readTestkitConfig({ DATABASE_URL: 'mysql://localhost/db' })).toThrow(ConfigError);
    expect(() => readTestkitConfig({ DATABASE_URL: 'mysql://localhost/db' })).toThrow(
      /DATABASE_URL=.*example: DATABASE_URL=postgres:\/\//,
    );
  });
});
