import { connect } from '@nats-io/transport-node';
import { createLogger } from '@switchboard/logging';
import { deleteNamespaceStreams } from '@switchboard/nats';
import { loadConfig, start } from '@switchboard/resource-manager';
import {
  createTestDatabase,
  createTestNamespace,
  serviceTestEnvironment,
  testInfrastructure,
  waitFor,
} from '@switchboard/testkit';
import { loadConfig as loadWorkerConfig, startWorker } from '@switchboard/worker';
import { describe, expect, it } from 'vitest';
import { runCliInProcess } from './run-cli-in-process.js';

describe('switchboard placement', () => {
  it('names the address it tried and how to start a manager when none listens at --resource-manager', async () => {
    const result = await runCliInProcess(['placement', '--resource-manager', '127.0.0.1:1'], {});

    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toBe(
      'error: cannot reach the resource manager at 127.0.0.1:1; is it running? ' +
        '(`switchboard up` starts one; set --resource-manager or SWITCHBOARD_RESOURCE_MANAGER)\n',
    );
  });

  it('takes the address from SWITCHBOARD_RESOURCE_MANAGER when no flag is given', async () => {
    const result = await runCliInProcess(['placement', '--json'], {
      SWITCHBOARD_RESOURCE_MANAGER: '127.0.0.1:2',
    });

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('cannot reach the resource manager at 127.0.0.1:2');
  });

  it('is listed in the help with its options', async () => {
    const help = await runCliInProcess(['placement', '--help'], {});

    expect(help.stdout).toMatch(/^Usage: switchboard placement \[options\]/);
    expect(help.stdout).toContain('--json');
    const overview = (await runCliInProcess(['--help'], {})).stdout;
    expect(overview).toMatch(/placement \[options\]\s+workers, their models/);
    expect(overview).toMatch(/--resource-manager <host:port>\s+resource manager API address/);
  });

  it('shows a running manager as active with the workers it sees', async () => {
    const infrastructure = testInfrastructure();
    const database = await createTestDatabase(infrastructure.databaseUrl);
    const namespace = createTestNamespace('placement');
    const environment = serviceTestEnvironment({
      natsUrl: infrastructure.natsUrl,
      databaseUrl: database.url,
      namespace,
    });
    const logger = createLogger({ service: 'test', level: 'silent' });
    const worker = await startWorker(
      loadWorkerConfig({ ...environment, WORKER_ID: 'placement-w1', WORKER_MEMORY_BYTES: '1073741824' }),
      logger,
    );
    const manager = await start(
      loadConfig({
        ...environment,
        RESOURCE_MANAGER_HOST: '127.0.0.1',
        RESOURCE_MANAGER_PORT: '0',
        RM_ID: 'placement-manager',
        RM_DRIVER: 'none',
        RM_INTERVAL: '200ms',
      }),
      logger,
    );
    try {
      const address = `127.0.0.1:${manager.port}`;
      const shown = await waitFor(
        async () => {
          const result = await runCliInProcess(['placement', '--resource-manager', address], {});
          return result.stdout.includes('placement-w1') ? result : undefined;
        },
        { timeoutMs: 10_000, message: 'the worker never showed in the placement' },
      );
      expect(shown?.code).toBe(0);
      expect(shown?.stdout).toMatch(
        /resource manager placement-manager: active \(lease epoch \d+\); policy predictive, driver none/,
      );
      expect(shown?.stdout).toMatch(/placement-w1\s+ready\s+0 B \/ 1 GiB/);
    } finally {
      await manager.stop();
      await worker.stop();
      const connection = await connect({ servers: infrastructure.natsUrl });
      await deleteNamespaceStreams(connection, namespace);
      await connection.close();
      await database.drop();
    }
  });
});
