import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromBinary } from '@bufbuild/protobuf';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { createLogger } from '@switchboard/logging';
import { connectNats, createSubjectNames, deleteNamespaceStreams } from '@switchboard/nats';
import { WorkerHeartbeatSchema } from '@switchboard/protocol';
import { createTestNamespace, testInfrastructure, waitFor } from '@switchboard/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLocalPoolDriver } from './local-pool-driver.js';
import type { PoolDriver } from './pool-driver.js';

const MANAGER_ID = 'rm-test';
/** Fast beats, so a started worker shows up and a stopped one falls silent quickly. */
const HEARTBEAT_INTERVAL_MS = 200;
/** A worker process starts node, connects and makes its streams: seconds on a busy machine. */
const START_WAIT = { timeoutMs: 30_000, intervalMs: 50 } as const;

interface LogLine {
  msg: string;
  workerId?: string;
  reason?: string;
}

describe('local pool driver', () => {
  let namespace: string;
  let logDirectory: string;
  let connection: NatsConnection;
  let heartbeats: Subscription;
  /** When each worker id last beat (Date.now()). */
  let lastBeat: Map<string, number>;
  let logLines: LogLine[];
  let driver: PoolDriver;

  beforeEach(async () => {
    namespace = createTestNamespace('localdriver');
    logDirectory = mkdtempSync(join(tmpdir(), 'local-driver-'));
    lastBeat = new Map();
    logLines = [];
    const logger = createLogger({
      service: 'resource-manager',
      level: 'info',
      destination: { write: (line: string) => void logLines.push(JSON.parse(line) as LogLine) },
    });
    connection = await connectNats({ url: testInfrastructure().natsUrl, name: 'local-driver-test', logger });
    heartbeats = connection.subscribe(createSubjectNames(namespace).workerHeartbeatSubject, {
      callback: (error, message) => {
        if (error === null)
          lastBeat.set(fromBinary(WorkerHeartbeatSchema, message.data).workerId, Date.now());
      },
    });
    driver = createLocalPoolDriver({
      managerId: MANAGER_ID,
      logDirectory: join(logDirectory, 'workers'),
      workerMemoryBytes: 256 * 1024 ** 2,
      workerEnvironment: {
        NATS_URL: testInfrastructure().natsUrl,
        SWITCHBOARD_NAMESPACE: namespace,
        LOG_LEVEL: 'info',
        WORKER_HEARTBEAT_INTERVAL: `${HEARTBEAT_INTERVAL_MS}ms`,
      },
      logger,
      stopGraceMs: 10_000,
    });
  });

  afterEach(async () => {
    await driver.stop();
    heartbeats.unsubscribe();
    await deleteNamespaceStreams(connection, namespace);
    await connection.close();
    rmSync(logDirectory, { recursive: true, force: true });
  });

  function readLog(workerId: string): string {
    return readFileSync(join(logDirectory, 'workers', `${workerId}.log`), 'utf8');
  }

  /** Whether the worker beat within the last three intervals (the manager's rule for a live worker). */
  function beating(workerId: string): boolean {
    return Date.now() - (lastBeat.get(workerId) ?? 0) < 3 * HEARTBEAT_INTERVAL_MS;
  }

  it('starts workers that heartbeat, stops the drained one first, then the newest, and all on stop', async () => {
    await driver.resize(2, []);
    await waitFor(() => beating(`${MANAGER_ID}-w1`) && beating(`${MANAGER_ID}-w2`), START_WAIT);
    expect(driver.owns(`${MANAGER_ID}-w1`)).toBe(true);
    expect(driver.owns('another-worker')).toBe(false);
    const { environment } = childWorker(`${MANAGER_ID}-w1`);
    expect(
      Object.fromEntries(
        ['WORKER_MODELS', 'METRICS_PORT', 'WORKER_MEMORY_BYTES', 'SWITCHBOARD_NAMESPACE'].map((name) => [
          name,
          environment.get(name),
        ]),
      ),
    ).toEqual({
      WORKER_MODELS: '',
      METRICS_PORT: '0',
      WORKER_MEMORY_BYTES: String(256 * 1024 ** 2),
      SWITCHBOARD_NAMESPACE: namespace,
    });
    // The worker beats before it logs that it started.
    await waitFor(() => readLog(`${MANAGER_ID}-w1`).includes('"msg":"worker started"'), START_WAIT);

    // The manager drained the older worker: it goes although it is not the newest.
    await driver.resize(1, [`${MANAGER_ID}-w1`]);
    await waitFor(() => !driver.owns(`${MANAGER_ID}-w1`), START_WAIT);
    expect(beating(`${MANAGER_ID}-w2`)).toBe(true);
    expect(childWorkerIds()).toEqual([`${MANAGER_ID}-w2`]);

    // Without drained workers the newest goes first.
    await driver.resize(2, []);
    await waitFor(() => beating(`${MANAGER_ID}-w3`), START_WAIT);
    await driver.resize(1, []);
    await waitFor(() => !driver.owns(`${MANAGER_ID}-w3`), START_WAIT);
    expect(driver.owns(`${MANAGER_ID}-w2`)).toBe(true);

    await driver.stop();
    expect(driver.owns(`${MANAGER_ID}-w2`)).toBe(false);
    expect(childWorkerIds()).toEqual([]);
    expect(logLines.filter((line) => line.msg === 'stopping worker process')).toEqual([
      expect.objectContaining({ workerId: `${MANAGER_ID}-w1`, reason: 'drained' }),
      expect.objectContaining({ workerId: `${MANAGER_ID}-w3`, reason: 'surplus' }),
      expect.objectContaining({ workerId: `${MANAGER_ID}-w2`, reason: 'driver stopping' }),
    ]);
  });

  it('notices a worker killed from outside and starts a replacement at the next resize', async () => {
    await driver.resize(1, []);
    await waitFor(() => beating(`${MANAGER_ID}-w1`), START_WAIT);

    process.kill(childWorker(`${MANAGER_ID}-w1`).pid, 'SIGKILL');
    await waitFor(() => !driver.owns(`${MANAGER_ID}-w1`), START_WAIT);
    expect(logLines).toContainEqual(
      expect.objectContaining({ msg: 'worker process exited unexpectedly', workerId: `${MANAGER_ID}-w1` }),
    );

    await driver.resize(1, []);
    await waitFor(() => beating(`${MANAGER_ID}-w2`), START_WAIT);
    expect(driver.owns(`${MANAGER_ID}-w2`)).toBe(true);
  });
});

interface ChildWorker {
  readonly pid: number;
  readonly environment: ReadonlyMap<string, string>;
}

/** The child processes of this test process by their WORKER_ID, read from /proc. */
function childWorkers(): Map<string, ChildWorker> {
  const workers = new Map<string, ChildWorker>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The parent pid is the second field after the command name, which is in parentheses.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent !== process.pid) continue;
      const environment = new Map(
        readFileSync(`/proc/${entry}/environ`, 'utf8')
          .split('\0')
          .map((variable): [string, string] => [
            variable.slice(0, variable.indexOf('=')),
            variable.slice(variable.indexOf('=') + 1),
          ]),
      );
      const workerId = environment.get('WORKER_ID');
      if (workerId !== undefined) workers.set(workerId, { pid: Number(entry), environment });
    } catch {
      // The process ended while being read.
    }
  }
  return workers;
}

function childWorkerIds(): string[] {
  return [...childWorkers().keys()].sort();
}

function childWorker(workerId: string): ChildWorker {
  const worker = childWorkers().get(workerId);
  if (worker === undefined) throw new Error(`no child process runs ${workerId}`);
  return worker;
}
