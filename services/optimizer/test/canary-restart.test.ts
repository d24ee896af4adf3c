import { create, toBinary } from '@bufbuild/protobuf';
import { ModelSpecSchema, RequestRecordSchema, RouteSpecSchema } from '@switchboard/protocol';
import type { CanaryState } from '@switchboard/protocol';
import { modelKey, openRegistryBucket, routeKey } from '@switchboard/registry-snapshot';
import { waitFor } from '@switchboard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOptimizerTestBed, startOptimizerInProcess } from './optimizer-test-bed.js';
import type { InProcessOptimizer, OptimizerTestBed } from './optimizer-test-bed.js';

const ROUTE = 'chat';
/** Nothing listens there: verdicts cannot be applied, so they stay queued. */
const UNREACHABLE_REGISTRY = '127.0.0.1:1';
/** How long one round of records may take to be read: generous, as CI machines run many suites at once. */
const READ_TIMEOUT_MS = 20_000;
const OVERRIDES = {
  OPTIMIZER_CANARY_INTERVAL: '100ms',
  REGISTRY_ADDRESS: UNREACHABLE_REGISTRY,
  TELEMETRY_MAX_BYTES: String(16 * 1024 ** 2),
};

describe('canary watching across a restart', () => {
  let bed: OptimizerTestBed;
  let running: InProcessOptimizer | undefined;
  let sequence = 0;

  /** Publishes request records as the router does: `count` answered by version `version` of `base`. */
  async function publishRequests(version: string, count: number, statusCode = 0): Promise<void> {
    for (let index = 0; index < count; index += 1) {
      const record = create(RequestRecordSchema, {
        requestId: `request-${sequence++}`,
        route: ROUTE,
        model: 'base',
        version,
        statusCode,
        latencyUs: BigInt(20_000 + (index % 7) * 1_000),
        attempts: [{ model: 'base', version, statusCode }],
      });
      await bed.jetstream.publish(
        bed.names.telemetryRequestSubject('base'),
        toBinary(RequestRecordSchema, record),
      );
    }
  }

  /**
   * Publishes `rounds` rounds of 5 canary and 5 stable records, interleaved, waiting after each
   * until the optimizer has read it: each round is a block of evidence, as a quiet route's are.
   */
  async function publishRounds(rounds: number, canaryStatus = 0): Promise<void> {
    for (let round = 0; round < rounds; round += 1) {
      const before = await errorSamples();
      for (let index = 0; index < 5; index += 1) {
        await publishRequests('1', 1, canaryStatus);
        await publishRequests('2', 1);
      }
      if ((await canary())?.status !== 'watching') return;
      // A verdict reached while this round is read ends the watch: its samples stop counting then.
      await waitFor(
        async () => (await canary())?.status !== 'watching' || (await errorSamples()) >= before + 5,
        { timeoutMs: READ_TIMEOUT_MS, message: 'a round of records to be read' },
      );
    }
  }

  async function errorSamples(): Promise<number> {
    const errors = (await canary())?.metrics.find((metric) => metric.metric === 'error_rate');
    return Number(errors?.canarySamples ?? 0);
  }

  async function canary(): Promise<CanaryState | undefined> {
    const response = await running!.client.getPolicy({ route: ROUTE });
    return response.canaries[0];
  }

  /** Waits until both arms have `count` error samples (every request is one attempt). */
  async function waitForSamples(count: number): Promise<CanaryState> {
    let state: CanaryState | undefined;
    await waitFor(
      async () => {
        state = await canary();
        const errors = state?.metrics.find((metric) => metric.metric === 'error_rate');
        return errors?.canarySamples === BigInt(count) && errors.stableSamples === BigInt(count);
      },
      { timeoutMs: READ_TIMEOUT_MS, message: `${count} samples on each arm` },
    );
    return state!;
  }

  beforeAll(async () => {
    bed = await createOptimizerTestBed('canaryrestart');
    const registry = await openRegistryBucket(bed.connection, bed.names);
    const base = create(ModelSpecSchema, {
      name: 'base',
      runtime: 'synthetic',
      version: '2',
      versions: ['1', '2'],
    });
    await registry.put(modelKey('base'), toBinary(ModelSpecSchema, base));
    // Version 2 is current; 20% of requests stay on version 1 — the canary here.
    const route = create(RouteSpecSchema, {
      name: ROUTE,
      candidates: [{ model: 'base', rollout: [{ model: 'base', version: '1', percent: 20 }] }],
    });
    await registry.put(routeKey(ROUTE), toBinary(RouteSpecSchema, route));
    running = await startOptimizerInProcess(bed, OVERRIDES);
  });

  afterAll(async () => {
    await running?.stop();
    await bed?.close();
  });

  it('keeps each arm’s evidence, counts what arrived while it was down once, and keeps a verdict the registry has not taken', async () => {
    await waitFor(async () => (await canary())?.status === 'watching', {
      timeoutMs: 10_000,
      message: 'the arm to be watched',
    });
    await publishRounds(8);
    const before = await waitForSamples(40);
    expect(before).toMatchObject({
      candidate: 'base',
      stableVersion: '2',
      armModel: 'base',
      armVersion: '1',
    });

    await running!.stop();
    await publishRequests('1', 10);
    await publishRequests('2', 10);
    running = await startOptimizerInProcess(bed, OVERRIDES);
    const after = await waitForSamples(50);
    expect(after.startedUnixMs).toBe(before.startedUnixMs);
    const latency = after.metrics.find((metric) => metric.metric === 'latency');
    expect(Number(latency?.canarySamples)).toBe(50);

    // The canary's next attempts fail: conclusively worse, but the registry is unreachable.
    await publishRounds(20, 14);
    await waitFor(async () => (await canary())?.status === 'rolled_back', {
      timeoutMs: 10_000,
      message: 'the rollback verdict',
    });
    await running!.stop();
    running = await startOptimizerInProcess(bed, OVERRIDES);
    const verdict = await canary();
    expect(verdict).toMatchObject({ status: 'rolled_back', appliedUnixMs: 0n });
    expect(verdict?.metrics.find((metric) => metric.metric === 'error_rate')?.conclusion).toBe('worse');
    // Its arm is still in the registry, and still not watched again while the verdict waits.
    const states = (await running!.client.getPolicy({ route: ROUTE })).canaries;
    expect(states.map((state) => state.status)).toEqual(['rolled_back']);
    const [row] = await bed.sql<{ count: number }[]>`select count(*)::int as count from optimizer_canaries`;
    expect(row?.count).toBe(1);
    // Rounds are quick alone; on a loaded machine one may take seconds.
  }, 180_000);
});
