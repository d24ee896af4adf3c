import { describe, expect, it } from 'vitest';
import { createLogger } from './create-logger.js';
import { maskUrlCredentials } from './redact-secrets.js';

const SECRET = 'sk-test-8c1f0a7e2b9d4e6f';

function capturedLogger() {
  const lines: string[] = [];
  const logger = createLogger({
    service: 'test',
    destination: { write: (line: string) => void lines.push(line) },
  });
  return { logger, lines };
}

describe('createLogger redaction', () => {
  it('redacts authorization headers, API keys, passwords and tokens at any of the first three depths', () => {
    const { logger, lines } = capturedLogger();
    logger.info({ authorization: `Bearer ${SECRET}`, apiKey: SECRET }, 'top level');
    logger.info({ headers: { authorization: `Bearer ${SECRET}`, 'x-api-key': SECRET } }, 'one down');
    logger.info({ config: { nats: { password: SECRET, token: SECRET } } }, 'two down');
    logger.info({ tenant: { api_key: SECRET, name: 'acme' } }, 'tenant');

    expect(lines.join('\n')).not.toContain(SECRET);
    expect(JSON.parse(lines[3] ?? '{}')).toMatchObject({ tenant: { api_key: '[redacted]', name: 'acme' } });
  });

  it('masks the password of a database URL but keeps its host readable', () => {
    const { logger, lines } = capturedLogger();
    logger.info({ databaseUrl: `postgres://app:${SECRET}@db.internal:5432/switchboard` }, 'connecting');

    expect(lines[0]).not.toContain(SECRET);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({
      databaseUrl: 'postgres://app:[redacted]@db.internal:5432/switchboard',
    });
  });

  it('masks URL passwords inside a logged error message and stack', () => {
    const { logger, lines } = capturedLogger();
    logger.error({ err: new Error(`connect to nats://worker:${SECRET}@127.0.0.1:4222 failed`) }, 'failed');

    expect(lines[0]).not.toContain(SECRET);
    expect(lines[0]).toContain('nats://worker:[redacted]@127.0.0.1:4222');
  });
});

describe('maskUrlCredentials', () => {
  it('leaves URLs without a password as they are', () => {
    expect(maskUrlCredentials('postgres://postgres@127.0.0.1:5432/postgres')).toBe(
      'postgres://postgres@127.0.0.1:5432/postgres',
    );
  });
});
