import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort, NATS_USER_NAMES, natsPasswordVariable } from '@switchboard/local-infra';
import {
  createTestDatabase,
  createTestNamespace,
  createTestRole,
  testInfrastructure,
} from '@switchboard/testkit';
import type { TestDatabase, TestRole } from '@switchboard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliInProcess } from './run-cli-in-process.js';

/** A secret nobody could mistake for anything else in a log line. */
const secret = (label: string) => `${label}${randomBytes(12).toString('hex')}`;

/** An OTLP/HTTP endpoint that keeps every request body, to look for secrets in spans. */
async function startSpanSink(): Promise<{ server: Server; url: string; bodies: Buffer[] }> {
  const bodies: Buffer[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      bodies.push(Buffer.concat(chunks));
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return { server, url: `http://127.0.0.1:${port}`, bodies };
}

describe('secrets in logs and spans', () => {
  const secrets: Record<string, string> = {
    adminToken: secret('admintoken'),
    apiKey: secret('apikey'),
    databasePassword: secret('dbpassword'),
    ...Object.fromEntries(NATS_USER_NAMES.map((user) => [`nats ${user}`, secret('natspassword')])),
  };
  const previousEnvironment = { ...process.env };
  let database: TestDatabase;
  let role: TestRole;
  let sink: Awaited<ReturnType<typeof startSpanSink>>;
  let logDirectory: string;

  beforeAll(async () => {
    database = await createTestDatabase(testInfrastructure().databaseUrl, { label: 'secrets' });
    role = await createTestRole(testInfrastructure().databaseUrl, {
      password: secrets['databasePassword'],
      ownerOf: database.name,
    });
    sink = await startSpanSink();
    logDirectory = await mkdtemp(join(tmpdir(), 'switchboard-secrets-'));
    // The service processes inherit this process's environment: every one exports its spans to the sink.
    Object.assign(process.env, {
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
      OTEL_BSP_SCHEDULE_DELAY: '200',
    });
  });

  afterAll(async () => {
    process.env = previousEnvironment;
    await new Promise((resolve) => sink?.server.close(resolve));
    await rm(logDirectory, { recursive: true, force: true });
    await database?.drop();
    await role?.drop();
  });

  it('writes none of the admin token, API key, NATS passwords or database password to any log line or span', async () => {
    const ports = [];
    for (let index = 0; index < 6; index += 1) ports.push(String(await findFreePort()));
    const [router, registry, monitor, optimizer, resourceManager, http] = ports as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    const natsPasswords = Object.fromEntries(
      NATS_USER_NAMES.map((user) => [natsPasswordVariable(user), secrets[`nats ${user}`] ?? '']),
    );

    const { code, stdout, stderr } = await runCliInProcess(
      ['up', '--auth', '--demo', '--once', '--router-port', router, '--registry-port', registry]
        .concat(['--monitor-port', monitor, '--optimizer-port', optimizer, '--http-port', http])
        .concat([
          '--resource-manager-port',
          resourceManager,
          '--metrics-port-base',
          '0',
          '--log-dir',
          logDirectory,
        ]),
      {
        // No NATS_URL: `up` starts its own nats-server with one user per service.
        DATABASE_URL: role.urlFor(database.url),
        SWITCHBOARD_NAMESPACE: createTestNamespace('secrets'),
        SWITCHBOARD_ADMIN_TOKEN: secrets['adminToken'] ?? '',
        SWITCHBOARD_DEMO_API_KEY: secrets['apiKey'] ?? '',
        ...natsPasswords,
      },
    );

    expect(stderr).toBe('');
    expect(code).toBe(0);
    // The whole system ran with auth on: the demo request went through with the tenant's key.
    expect(stdout).toMatch(
      /auth on: admin calls need the admin token, the router needs API keys, NATS has one user per service/,
    );
    expect(stdout).toMatch(/demo request → classify answered by classifier-/);
    const logFiles = await readdir(logDirectory);
    const logText = (
      await Promise.all(logFiles.map((file) => readFile(join(logDirectory, file), 'utf8')))
    ).join('\n');
    const spanBytes = Buffer.concat(sink.bodies);
    expect(logFiles.some((file) => /-w1\.log$/.test(file))).toBe(true);
    expect(logText.split('\n').length).toBeGreaterThan(50);
    expect(spanBytes.includes('ModelInfer')).toBe(true);
    const leaks = Object.entries(secrets).flatMap(([name, value]) => [
      ...(logText.includes(value) ? [`${name} in a log line`] : []),
      ...(spanBytes.includes(value) ? [`${name} in a span`] : []),
    ]);
    expect(leaks).toEqual([]);
  }, 120_000);
});
