import { toBinary } from '@bufbuild/protobuf';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import { createGrpcClient } from '@switchboard/grpc';
import type { GrpcClient } from '@switchboard/grpc';
import { createLogger } from '@switchboard/logging';
import { createSubjectNames, deleteNamespaceStreams, ensureStreams } from '@switchboard/nats';
import type { SubjectNames } from '@switchboard/nats';
import { BatchRecordSchema, MonitorService, RequestRecordSchema } from '@switchboard/protocol';
import type { BatchRecord, RequestRecord } from '@switchboard/protocol';
import { createTestDatabase, createTestNamespace, testInfrastructure } from '@switchboard/testkit';
import type { TestDatabase } from '@switchboard/testkit';
import postgres from 'postgres';
import { loadConfig } from '../src/config.js';
import { start } from '../src/service.js';
import type { RunningMonitor } from '../src/service.js';

/** One test file's namespace, database and raw NATS connection, for publishing telemetry by hand. */
export interface MonitorTestBed {
  readonly names: SubjectNames;
  /** The monitor's environment for this namespace and database (gRPC and /metrics on free ports). */
  readonly environment: Readonly<Record<string, string>>;
  readonly connection: NatsConnection;
  readonly jetstream: JetStreamClient;
  readonly manager: JetStreamManager;
  /** The test's own connection to the database, for reading rows back. */
  readonly sql: postgres.Sql;
  /** Publishes records to the TELEMETRY stream and waits until it stored them. */
  publishRequests(records: readonly RequestRecord[]): Promise<void>;
  publishBatches(records: readonly BatchRecord[]): Promise<void>;
  /** Removes the namespace's streams and buckets and the database. */
  close(): Promise<void>;
}

/** A monitor running in this process with a client for its API. */
export interface InProcessMonitor {
  readonly monitor: RunningMonitor;
  readonly client: GrpcClient<typeof MonitorService>;
  stop(): Promise<void>;
}

const testLogger = createLogger({
  service: 'monitor',
  level: process.env.TEST_LOG_LEVEL === undefined ? 'silent' : 'debug',
});

/** Small, so that test streams reserve little of the shared NATS server's storage. */
const TEST_TELEMETRY_MAX_BYTES = 16 * 1024 ** 2;

/** Creates the test bed: a fresh namespace (with its TELEMETRY stream) and database. */
export async function createMonitorTestBed(label: string): Promise<MonitorTestBed> {
  const infrastructure = testInfrastructure();
  const namespace = createTestNamespace(label);
  const names = createSubjectNames(namespace);
  const database: TestDatabase = await createTestDatabase(infrastructure.databaseUrl, { label });
  const connection = await connect({ servers: infrastructure.natsUrl });
  const manager = await jetstreamManager(connection);
  await ensureStreams(manager, names, { kinds: ['telemetry'], telemetryMaxBytes: TEST_TELEMETRY_MAX_BYTES });
  const client = jetstream(connection);
  const sql = postgres(database.url, { max: 2, onnotice: () => undefined });
  const publishAll = async (subjects: string[], payloads: Uint8Array[]) => {
    await Promise.all(payloads.map((payload, index) => client.publish(subjects[index] ?? '', payload)));
  };
  return {
    names,
    environment: {
      NATS_URL: infrastructure.natsUrl,
      DATABASE_URL: database.url,
      SWITCHBOARD_NAMESPACE: namespace,
      MONITOR_HOST: '127.0.0.1',
      MONITOR_PORT: '0',
      METRICS_HOST: '127.0.0.1',
      METRICS_PORT: '0',
      MONITOR_CHECKPOINT_INTERVAL: '200ms',
      MONITOR_LOAD_INTERVAL: '100ms',
      LOG_LEVEL: 'silent',
      TELEMETRY_MAX_BYTES: String(TEST_TELEMETRY_MAX_BYTES),
    },
    connection,
    jetstream: client,
    manager,
    sql,
    publishRequests: (records) =>
      publishAll(
        records.map((record) => names.telemetryRequestSubject(record.model)),
        records.map((record) => toBinary(RequestRecordSchema, record)),
      ),
    publishBatches: (records) =>
      publishAll(
        records.map((record) => names.telemetryBatchSubject(record.model)),
        records.map((record) => toBinary(BatchRecordSchema, record)),
      ),
    async close() {
      await sql.end();
      await deleteNamespaceStreams(connection, namespace);
      await connection.close();
      await database.drop();
    },
  };
}

/** Starts a monitor in this process on the test bed (environment `overrides` win). */
export async function startMonitorInProcess(
  bed: MonitorTestBed,
  overrides: Record<string, string> = {},
): Promise<InProcessMonitor> {
  const monitor = await start(loadConfig({ ...bed.environment, ...overrides }), testLogger);
  const client = createGrpcClient(MonitorService, `127.0.0.1:${monitor.port}`);
  return {
    monitor,
    client,
    async stop() {
      client.close();
      await monitor.stop();
    },
  };
}
