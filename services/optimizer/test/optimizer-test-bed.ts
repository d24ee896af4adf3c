import { create, toBinary } from '@bufbuild/protobuf';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import { createGrpcClient } from '@switchboard/grpc';
import type { GrpcClient } from '@switchboard/grpc';
import { createLogger } from '@switchboard/logging';
import type { Logger } from '@switchboard/logging';
import { createSubjectNames, deleteNamespaceStreams, ensureStreams } from '@switchboard/nats';
import type { SubjectNames } from '@switchboard/nats';
import {
  DecisionRecordSchema,
  FeedbackRecordSchema,
  ModelSpecSchema,
  OptimizerService,
  RouteSpecSchema,
} from '@switchboard/protocol';
import type { BatchingSpecSchema, DecisionRecord } from '@switchboard/protocol';
import { modelKey, openRegistryBucket, routeKey } from '@switchboard/registry-snapshot';
import {
  announcementFromBytes,
  decisionKey,
  openDecisionsBucket,
  openPolicyStore,
  readAnnouncedPolicy,
} from '@switchboard/routing-policy';
import type { PolicyStore, RoutePolicy } from '@switchboard/routing-policy';
import { createTestDatabase, createTestNamespace, testInfrastructure, waitFor } from '@switchboard/testkit';
import type { TestDatabase } from '@switchboard/testkit';
import postgres from 'postgres';
import { loadConfig } from '../src/config.js';
import { start } from '../src/service.js';
import type { RunningOptimizer } from '../src/service.js';

const testLogger = createLogger({
  service: 'optimizer',
  level: process.env.TEST_LOG_LEVEL === undefined ? 'silent' : 'debug',
});

/** Small, so that test buckets reserve little of the shared NATS server's storage. */
const TEST_DECISIONS_MAX_BYTES = 16 * 1024 ** 2;

/** A model a test route may send requests to. */
export interface TestModel {
  readonly name: string;
  /** The registry's quality score: the prior for a model the policy has not learned. */
  readonly quality: number;
  /** Its batching spec in the registry; none when unset. */
  readonly batching?: MessageInitShape<typeof BatchingSpecSchema>;
}

/** One test file's namespace, database, registry bucket and raw NATS access, for playing the router. */
export interface OptimizerTestBed {
  readonly names: SubjectNames;
  /** The optimizer's environment for this namespace and database (gRPC and /metrics on free ports). */
  readonly environment: Readonly<Record<string, string>>;
  readonly connection: NatsConnection;
  readonly jetstream: JetStreamClient;
  readonly manager: JetStreamManager;
  readonly decisions: KV;
  readonly policies: PolicyStore;
  /** The test's own connection to the database, for reading rows back. */
  readonly sql: postgres.Sql;
  /** Registers the models and a route with them as candidates, in this order. */
  registerRoute(route: string, models: readonly TestModel[]): Promise<void>;
  /** Writes a decision to KV `decisions` as the router does after answering. */
  putDecision(decision: DecisionRecord): Promise<void>;
  /** Publishes feedback on a decision as the router's Feedback RPC does; `messageId` overrides its Nats-Msg-Id. */
  publishFeedback(decision: DecisionRecord, score: number, messageId?: string): Promise<void>;
  /** The policy KV `policy` announces for the route, read as a router reads it. */
  readPolicy(route: string): Promise<RoutePolicy | undefined>;
  /** The version KV `policy` announces for the route, 0 when none. */
  announcedVersion(route: string): Promise<bigint>;
  /** Removes the namespace's streams, buckets and stores and the database. */
  close(): Promise<void>;
}

/** An optimizer running in this process with a client for its API. */
export interface InProcessOptimizer {
  readonly optimizer: RunningOptimizer;
  readonly client: GrpcClient<typeof OptimizerService>;
  stop(): Promise<void>;
}

/** Creates the test bed: a fresh namespace (FEEDBACK stream, decisions bucket, policy store) and database. */
export async function createOptimizerTestBed(label: string): Promise<OptimizerTestBed> {
  const infrastructure = testInfrastructure();
  const namespace = createTestNamespace(label);
  const names = createSubjectNames(namespace);
  const database: TestDatabase = await createTestDatabase(infrastructure.databaseUrl, { label });
  const connection = await connect({ servers: infrastructure.natsUrl });
  const manager = await jetstreamManager(connection);
  await ensureStreams(manager, names, { kinds: ['feedback'] });
  // Created here, small, as the router would: the optimizer opens what exists.
  const decisions = await openDecisionsBucket(connection, names, { maxBytes: TEST_DECISIONS_MAX_BYTES });
  const policies = await openPolicyStore(connection, names);
  const registry = await openRegistryBucket(connection, names);
  const client = jetstream(connection);
  const sql = postgres(database.url, { max: 2, onnotice: () => undefined });
  return {
    names,
    environment: {
      NATS_URL: infrastructure.natsUrl,
      DATABASE_URL: database.url,
      SWITCHBOARD_NAMESPACE: namespace,
      OPTIMIZER_HOST: '127.0.0.1',
      OPTIMIZER_PORT: '0',
      METRICS_HOST: '127.0.0.1',
      METRICS_PORT: '0',
      OPTIMIZER_PUBLISH_INTERVAL: '100ms',
      LOG_LEVEL: 'silent',
    },
    connection,
    jetstream: client,
    manager,
    decisions,
    policies,
    sql,
    async registerRoute(route, models) {
      for (const model of models) {
        const spec = create(ModelSpecSchema, {
          name: model.name,
          runtime: 'synthetic',
          version: '1',
          versions: ['1'],
          qualityScore: model.quality,
          ...(model.batching === undefined ? {} : { batching: model.batching }),
        });
        await registry.put(modelKey(model.name), toBinary(ModelSpecSchema, spec));
      }
      const spec = create(RouteSpecSchema, {
        name: route,
        candidates: models.map((model) => ({ model: model.name })),
      });
      await registry.put(routeKey(route), toBinary(RouteSpecSchema, spec));
    },
    async putDecision(decision) {
      await decisions.put(routerDecisionKey(decision), toBinary(DecisionRecordSchema, decision));
    },
    async publishFeedback(decision, score, messageId) {
      const record = create(FeedbackRecordSchema, { decision, score, receivedUnixMs: BigInt(Date.now()) });
      await client.publish(names.feedbackSubject(decision.route), toBinary(FeedbackRecordSchema, record), {
        msgID: messageId ?? `feedback-${routerDecisionKey(decision)}`,
      });
    },
    async readPolicy(route) {
      const entry = await policies.announcements.get(route);
      if (entry === null || entry.operation !== 'PUT') return undefined;
      return readAnnouncedPolicy(policies, announcementFromBytes(entry.value));
    },
    async announcedVersion(route) {
      const entry = await policies.announcements.get(route);
      return entry === null || entry.operation !== 'PUT' ? 0n : announcementFromBytes(entry.value).version;
    },
    async close() {
      await sql.end();
      await deleteNamespaceStreams(connection, namespace);
      await connection.close();
      await database.drop();
    },
  };
}

/** The key the router writes a decision under: the SHA-256 of [tenant, request id]. */
export function routerDecisionKey(decision: DecisionRecord): string {
  return decisionKey(decision.tenant, decision.requestId);
}

/** Starts an optimizer in this process on the test bed (environment `overrides` win). */
export async function startOptimizerInProcess(
  bed: OptimizerTestBed,
  overrides: Record<string, string> = {},
  logger: Logger = testLogger,
): Promise<InProcessOptimizer> {
  const optimizer = await start(loadConfig({ ...bed.environment, ...overrides }), logger);
  const client = createGrpcClient(OptimizerService, `127.0.0.1:${optimizer.port}`);
  return {
    optimizer,
    client,
    async stop() {
      client.close();
      await optimizer.stop();
    },
  };
}

/** Waits until KV `policy` announces a version of the route above `above`; returns it. */
export async function waitForVersionAbove(
  bed: OptimizerTestBed,
  route: string,
  above: bigint,
): Promise<bigint> {
  let version = 0n;
  await waitFor(
    async () => {
      version = await bed.announcedVersion(route);
      return version > above;
    },
    { timeoutMs: 10_000, intervalMs: 25, message: `a policy of route ${route} above version ${above}` },
  );
  return version;
}

/**
 * Waits until the version KV `policy` announces for the route has not moved for half a second
 * (five publish intervals): the optimizer has learned and published everything it was sent.
 */
export async function waitForSettledVersion(bed: OptimizerTestBed, route: string): Promise<bigint> {
  let last = -1n;
  let stableSince = Date.now();
  const settled = await waitFor(
    async () => {
      const version = await bed.announcedVersion(route);
      if (version !== last) {
        last = version;
        stableSince = Date.now();
      }
      return Date.now() - stableSince > 500 ? { version } : undefined;
    },
    { timeoutMs: 10_000, message: `the policy of route ${route} to settle` },
  );
  return settled!.version;
}
