import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { findFreePort } from '@switchboard/local-infra';
import { deleteNamespaceStreams } from '@switchboard/nats';
import { createTestDatabase, createTestNamespace, testInfrastructure } from '@switchboard/testkit';
import { describe, expect, it } from 'vitest';
import { runCliInProcess } from './run-cli-in-process.js';

describe('switchboard up', () => {
  it('starts registry, monitor, optimizer, router and a resource manager whose worker answers a demo request through the classify route and stops', async () => {
    const infrastructure = testInfrastructure();
    const database = await createTestDatabase(infrastructure.databaseUrl);
    const logDirectory = await mkdtemp(join(tmpdir(), 'switchboard-up-'));
    const namespace = createTestNamespace('up');
    try {
      const [routerPort, registryPort, monitorPort, optimizerPort, resourceManagerPort, httpPort] = [
        await findFreePort(),
        await findFreePort(),
        await findFreePort(),
        await findFreePort(),
        await findFreePort(),
        await findFreePort(),
      ];
      const { code, stdout, stderr } = await runCliInProcess(
        [
          'up',
          '--demo',
          '--once',
          '--router-port',
          String(routerPort),
          '--http-port',
          String(httpPort),
          '--registry-port',
          String(registryPort),
          '--monitor-port',
          String(monitorPort),
          '--optimizer-port',
          String(optimizerPort),
          '--resource-manager-port',
          String(resourceManagerPort),
          '--metrics-port-base',
          '0',
          '--log-dir',
          logDirectory,
        ],
        {
          NATS_URL: infrastructure.natsUrl,
          DATABASE_URL: database.url,
          SWITCHBOARD_NAMESPACE: namespace,
        },
      );
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(stdout).toMatch(
        /demo request → classify answered by classifier-(small \(cascade_first_step; tried classifier-small,|large \(cascade_escalated; tried classifier-small,classifier-large,).* confidences [\d.,]+\): probabilities \[/,
      );
      expect(stdout).toContain(`127.0.0.1:${routerPort} inference.GRPCInferenceService/ModelInfer`);
      expect(stdout).toContain(`http://127.0.0.1:${httpPort}/v2/models/classify/infer`);
      // Printed only once the monitor has answered GetStats.
      expect(stdout).toContain(
        `monitor 127.0.0.1:${monitorPort}, optimizer 127.0.0.1:${optimizerPort}, resource manager 127.0.0.1:${resourceManagerPort}, router 127.0.0.1:${routerPort}`,
      );
      expect(stdout).toContain(`switchboard placement --resource-manager 127.0.0.1:${resourceManagerPort}`);
      expect(stdout).toContain(`switchboard stats --monitor 127.0.0.1:${monitorPort}`);
      // The resource manager started the worker (its id: the manager's id, then -w1).
      const logs = (await readdir(logDirectory)).sort();
      expect(logs.filter((name) => !/-w\d+\.log$/.test(name))).toEqual([
        'infrastructure.log',
        'monitor.log',
        'optimizer.log',
        'registry.log',
        'resource-manager.log',
        'router.log',
      ]);
      expect(logs.some((name) => /-w1\.log$/.test(name))).toBe(true);
      const managerLog = await readFile(join(logDirectory, 'resource-manager.log'), 'utf8');
      expect(managerLog).toContain(`"port":${resourceManagerPort}`);
      expect(managerLog).toContain('"msg":"resource manager stopped"');
      const monitorLog = (await readFile(join(logDirectory, 'monitor.log'), 'utf8'))
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { msg?: string; port?: number });
      expect(monitorLog).toContainEqual(
        expect.objectContaining({ msg: 'monitor serving', port: monitorPort }),
      );
      expect(monitorLog).toContainEqual(expect.objectContaining({ msg: 'monitor stopped' }));
      const optimizerLog = await readFile(join(logDirectory, 'optimizer.log'), 'utf8');
      expect(optimizerLog).toContain(`"port":${optimizerPort}`);
      expect(optimizerLog).toContain('"msg":"optimizer stopped"');
    } finally {
      await rm(logDirectory, { recursive: true, force: true });
      const connection = await connect({ servers: infrastructure.natsUrl });
      await deleteNamespaceStreams(connection, namespace);
      await connection.close();
      await database.drop();
    }
    // Six processes start, the resource manager starts a worker and it loads models; on a busy 2-core machine that can take a while.
  }, 120_000);
});
