import { create, toBinary } from '@bufbuild/protobuf';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import { createLogger } from '@switchboard/logging';
import { loadConfig, start } from '@switchboard/monitor';
import type { RunningMonitor } from '@switchboard/monitor';
import { createSubjectNames, deleteNamespaceStreams } from '@switchboard/nats';
import type { SubjectNames } from '@switchboard/nats';
import { BatchRecordSchema, RequestRecordSchema } from '@switchboard/protocol';
import { registerNamesInBucket } from '@switchboard/registry-snapshot/testing';
import { createTestDatabase, createTestNamespace, testInfrastructure, waitFor } from '@switchboard/testkit';
import type { TestDatabase } from '@switchboard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStatsCommand } from '../src/commands/stats.js';
import { runCli } from '../src/run-cli.js';
import { runCliInProcess } from './run-cli-in-process.js';
import type { CliResult } from './run-cli-in-process.js';

describe('switchboard stats', () => {
  let database: TestDatabase;
  let monitor: RunningMonitor;
  let connection: NatsConnection;
  let names: SubjectNames;

  beforeAll(async () => {
    const infrastructure = testInfrastructure();
    names = createSubjectNames(createTestNamespace('clistats'));
    database = await createTestDatabase(infrastructure.databaseUrl, { label: 'clistats' });
    const config = loadConfig({
      NATS_URL: infrastructure.natsUrl,
      DATABASE_URL: database.url,
      SWITCHBOARD_NAMESPACE: names.namespace,
      MONITOR_HOST: '127.0.0.1',
      MONITOR_PORT: '0',
      METRICS_HOST: '127.0.0.1',
      METRICS_PORT: '0',
    });
    connection = await connect({ servers: infrastructure.natsUrl });
    // The monitor counts records only under names the registry knows.
    await registerNamesInBucket(connection, names, {
      models: ['small', { name: 'large', versions: 2 }],
      routes: ['classify'],
      tenants: ['acme', 'beta'],
    });
    monitor = await start(config, createLogger({ service: 'monitor', level: 'silent' }));
    publishTelemetry(connection, names);
    await connection.flush();
    await waitFor(async () => (await cli('stats')).stdout.includes('classify'), {
      message: 'the records counted',
    });
  });

  afterAll(async () => {
    await monitor?.stop();
    if (connection !== undefined) {
      await deleteNamespaceStreams(connection, names.namespace);
      await connection.close();
    }
    await database?.drop();
  });

  /** Runs the CLI in-process against the test monitor (found through SWITCHBOARD_MONITOR). */
  function cli(...argv: string[]): Promise<CliResult> {
    return runCliInProcess(argv, { SWITCHBOARD_MONITOR: `127.0.0.1:${monitor.port}` });
  }

  it('prints a request table and a batch table', async () => {
    const result = await cli('stats', '--window', '5m');

    expect(result).toMatchObject({ code: 0, stderr: '' });
    const lines = result.stdout.split('\n').map((line) => line.trim().split(/\s{2,}/));
    expect(result.stdout).toMatch(/^requests, last 5 min \(at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\)$/m);
    expect(lines).toContainEqual([
      'MODEL',
      'VERSION',
      'ROUTE',
      'TENANT',
      'COUNT',
      'ERR%',
      'P50 MS',
      'P95 MS',
      'P99 MS',
      'REQ/S',
      'COST/REQ µ$',
    ]);
    // 4 requests of 2, 4, 6, 8 ms, one failed; cost 10 µ$ each.
    expect(lines).toContainEqual([
      'small',
      '1',
      'classify',
      'acme',
      '4',
      '25.0',
      '4.00',
      '8.00',
      '8.00',
      expect.stringMatching(/^\d+\.\d+$/),
      '10.00',
    ]);
    expect(lines).toContainEqual([
      'large',
      '2',
      '-',
      'beta',
      '1',
      '0.0',
      '20.0',
      '20.0',
      '20.0',
      expect.stringMatching(/^\d+\.\d+$/),
      '30.00',
    ]);
    expect(lines).toContainEqual([
      'MODEL',
      'BATCHES',
      'ITEMS',
      'MEAN SIZE',
      'EXEC P50 MS',
      'EXEC P99 MS',
      'UTIL%',
      'SIZES',
    ]);
    expect(lines).toContainEqual(['small', '2', '4', '2.0', '1.50', '2.50', '50.0', '1:1 3:1']);
  });

  it('filters by model, route and tenant', async () => {
    const byTenant = await cli('stats', '--tenant', 'beta');
    expect(byTenant.stdout).toContain('large');
    expect(byTenant.stdout).not.toContain('classify');
    const nothing = await cli('stats', '--model', 'small', '--route', 'other');
    expect(nothing.stdout).toMatch(/^requests, last 1 min .*\n\(none\)\n/);
  });

  it('refreshes with --watch until stopped', async () => {
    const stop = new AbortController();
    let refreshes = 0;
    let stdout = '';
    const io = {
      stdout: {
        write: (text: string) => {
          stdout += text;
          refreshes += 1;
          if (refreshes === 2) stop.abort();
        },
      },
      stderr: { write: () => undefined },
      env: { SWITCHBOARD_MONITOR: `127.0.0.1:${monitor.port}` },
    };
    const code = await runCli(['stats', '--watch', '--interval', '50ms', '--window', 'all'], io, [
      createStatsCommand({ stopSignal: stop.signal }),
    ]);

    expect(code).toBe(0);
    expect(refreshes).toBe(2);
    expect(stdout.match(/^requests, since start/gm)).toHaveLength(2);
  });

  it('says where it looked when no monitor answers', async () => {
    const result = await cli('--monitor', '127.0.0.1:1', 'stats');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /cannot reach the monitor at 127\.0\.0\.1:1.*--monitor or SWITCHBOARD_MONITOR/,
    );
  });

  it('rejects a window it does not know', async () => {
    const result = await cli('stats', '--window', '2h');
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/--window.*expected one of: 1m, 5m, all/);
  });
});

/** Records as the router and a worker publish them (core NATS; the TELEMETRY stream captures them). */
function publishTelemetry(connection: NatsConnection, names: SubjectNames): void {
  const atUnixMs = BigInt(Date.now());
  const small = { model: 'small', version: '1', route: 'classify', tenant: 'acme', costMicros: 10, atUnixMs };
  for (const [index, latencyUs] of [2_000n, 4_000n, 6_000n, 8_000n].entries()) {
    const record = create(RequestRecordSchema, { ...small, latencyUs, statusCode: index === 0 ? 4 : 0 });
    connection.publish(names.telemetryRequestSubject('small'), toBinary(RequestRecordSchema, record));
  }
  const large = create(RequestRecordSchema, {
    model: 'large',
    version: '2',
    tenant: 'beta',
    latencyUs: 20_000n,
    costMicros: 30,
    atUnixMs,
  });
  connection.publish(names.telemetryRequestSubject('large'), toBinary(RequestRecordSchema, large));
  for (const [size, executeUs] of [
    [1, 1_500n],
    [3, 2_500n],
  ] as const) {
    const batch = create(BatchRecordSchema, { model: 'small', size, executeUs, utilisation: 0.5, atUnixMs });
    connection.publish(names.telemetryBatchSubject('small'), toBinary(BatchRecordSchema, batch));
  }
}
