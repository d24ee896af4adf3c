import { createLogger } from '@switchboard/logging';
import type { CanaryState, ModelInferResponse, RouteSpec } from '@switchboard/protocol';
import { scrapeMetrics, waitFor } from '@switchboard/testkit';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../src/seeded-random.js';
import { startCanarySystem, syntheticClassifier } from './canary-system.js';
import type { CanarySystem } from './canary-system.js';

/** Requests in flight at once. */
const CONCURRENCY = 16;
/** Each test's requests stop here at the latest; a verdict comes well before (see the README). */
const VERDICT_TIMEOUT_MS = 45_000;
/** A test's own limit: the verdict's, the setup of its route and the checks after. */
const TEST_TIMEOUT_MS = 60_000;
/** The reward settings every route keeps; only the canary thresholds differ. */
const REWARD_SETTINGS = { costWeightPerUsd: 10, sloMissWeight: 1, exploration: 0.1, explorationByTier: {} };

interface LogLine {
  level: number;
  msg: string;
  route?: string;
  verdict?: string;
  watchedMs?: number;
  evidence?: Array<{ metric: string; conclusion: string; text: string }>;
}

/** What the router said served a request. */
function servedBy(response: ModelInferResponse): { model: string; version: string } {
  const text = (key: string) => {
    const choice = response.parameters[`switchboard.${key}`]?.parameterChoice;
    return choice?.case === 'stringParam' ? choice.value : '';
  };
  return { model: text('model'), version: text('version') };
}

/**
 * Sends requests to `route`, `CONCURRENCY` at a time, until the optimizer has applied a verdict on
 * its canary, and scores each answer with `score` through the Feedback call. Counts the answers per
 * model and version, and the failures.
 */
async function sendUntil(
  system: CanarySystem,
  route: string,
  score: (served: { model: string; version: string }, random: () => number) => number,
) {
  const random = seededRandom(route);
  const answered = new Map<string, number>();
  let failed = 0;
  let next = 0;
  let finished = false;
  const lane = async () => {
    while (!finished) {
      const id = `${route}-${next++}`;
      try {
        const response = await system.inference.modelInfer(
          {
            modelName: route,
            id,
            inputs: [
              {
                name: 'features',
                datatype: 'FP32',
                shape: [1n, 4n],
                contents: { fp32Contents: [1, 2, 3, 4] },
              },
            ],
          },
          { timeoutMs: 10_000 },
        );
        const served = servedBy(response);
        const key = `${served.model}@${served.version}`;
        answered.set(key, (answered.get(key) ?? 0) + 1);
        await sendFeedback(id, score(served, random));
      } catch {
        // The failures are the canary's; the optimizer sees them in the request records.
        failed += 1;
      }
    }
  };
  const sendFeedback = async (requestId: string, value: number) => {
    try {
      await system.feedback.feedback({ requestId, score: value }, { timeoutMs: 5_000 });
    } catch {
      // On a busy machine the decision record can take longer than Feedback waits for it
      // (NOT_FOUND): that answer just has no score, on either arm.
    }
  };
  const lanes = Array.from({ length: CONCURRENCY }, lane);
  const startedAt = performance.now();
  let last: CanaryState | undefined;
  try {
    await waitFor(
      async () => {
        [last] = await canariesOf(system, route);
        return last !== undefined && last.appliedUnixMs > 0n;
      },
      { timeoutMs: VERDICT_TIMEOUT_MS, intervalMs: 100, message: `a verdict applied on ${route}` },
    );
  } catch (error) {
    throw new Error(`no verdict on ${route}; the canary: ${last?.status} ${last?.reason}`, { cause: error });
  } finally {
    finished = true;
    await Promise.all(lanes);
  }
  return { answered, failed, requests: next, elapsedMs: performance.now() - startedAt };
}

async function routeOf(system: CanarySystem, name: string): Promise<RouteSpec> {
  const { route } = await system.registry.getRoute({ name });
  if (route === undefined) throw new Error(`route ${name} is missing`);
  return route;
}

async function canariesOf(system: CanarySystem, route: string): Promise<CanaryState[]> {
  return (await system.optimizer.getPolicy({ route })).canaries;
}

describe('canary promotion and rollback', () => {
  let system: CanarySystem;
  let sql: postgres.Sql;
  const logLines: LogLine[] = [];

  beforeAll(async () => {
    const logger = createLogger({
      service: 'test',
      level: 'info',
      destination: { write: (line: string) => void logLines.push(JSON.parse(line) as LogLine) },
    });
    system = await startCanarySystem('canary', logger);
    for (const model of [syntheticClassifier('steady'), syntheticClassifier('shaky', 0.3)])
      await system.registry.registerModel({ model });
    // `upgraded` has versions 1 (current) and 2, behaving alike.
    await system.registry.registerModel({ model: syntheticClassifier('upgraded') });
    await system.registry.updateModel({ model: { ...syntheticClassifier('upgraded'), version: '2' } });
    await system.registry.updateModel({ model: syntheticClassifier('upgraded') });
    await system.startWorker(['steady', 'shaky', 'upgraded']);
    sql = postgres(system.databaseUrl, { max: 1, onnotice: () => undefined });
  });

  afterAll(async () => {
    await sql?.end();
    await system?.stop();
  });

  it('rolls back a canary with a higher error rate', { timeout: TEST_TIMEOUT_MS }, async () => {
    await system.registry.putRoute({
      route: {
        name: 'errors',
        candidates: [{ model: 'steady', rollout: [{ model: 'shaky', percent: 30 }] }],
      },
    });
    const run = await sendUntil(system, 'errors', () => 1);

    const route = await routeOf(system, 'errors');
    expect(route.candidates.map((candidate) => candidate.model)).toEqual(['steady']);
    const [verdict] = await canariesOf(system, 'errors');
    expect(verdict).toMatchObject({ candidate: 'steady', armModel: 'shaky', status: 'rolled_back' });
    const errors = verdict?.metrics.find((metric) => metric.metric === 'error_rate');
    expect(errors?.conclusion).toBe('worse');
    expect(errors?.lower).toBeGreaterThan(errors?.margin ?? Infinity);
    expect(verdict?.appliedUnixMs).toBeGreaterThanOrEqual(verdict?.decidedUnixMs ?? Infinity);
    const [row] = await sql<{ status: string; applied: boolean }[]>`
      select status, applied_at is not null as applied from optimizer_canaries where route = 'errors'`;
    expect(row).toEqual({ status: 'rolled_back', applied: true });
    const warning = logLines.find(
      (line) => line.msg.startsWith('canary rolled back') && line.route === 'errors',
    );
    expect(warning?.level).toBe(40);
    expect(warning?.evidence?.find((metric) => metric.metric === 'error_rate')?.conclusion).toBe('worse');
    const metrics = await scrapeMetrics(system.optimizerMetricsPort);
    expect(
      metrics.value('switchboard_optimizer_canary_verdicts_total', {
        route: 'errors',
        verdict: 'rolled_back',
      }),
    ).toBe(1);
    process.stdout.write(
      `rollback: ${run.requests} requests (${run.failed} failed) in ${Math.round(run.elapsedMs)} ms; ` +
        `verdict after ${Number(verdict!.decidedUnixMs - verdict!.startedUnixMs)} ms watching\n`,
    );
  });

  it('promotes a canary that is no worse', { timeout: TEST_TIMEOUT_MS }, async () => {
    await system.registry.putRoute({
      route: {
        name: 'upgrades',
        candidates: [{ model: 'upgraded', rollout: [{ version: '2', percent: 50 }] }],
      },
    });
    // The route's own thresholds: a busy machine (other test files running) answers ~80 requests a
    // second with latencies spread widely, where the defaults (200 requests, 10% slower, one point
    // more errors) took over 30 s.
    const { settings } = await system.optimizer.setRouteSettings({
      route: 'upgrades',
      settings: {
        ...REWARD_SETTINGS,
        canary: { minRequests: 100, minFeedback: 100, latencyMargin: 0.2, errorMargin: 0.02 },
      },
    });
    expect(settings?.canary).toMatchObject({
      alpha: 0.05,
      minRequests: 100,
      minFeedback: 100,
      latencyMargin: 0.2,
      errorMargin: 0.02,
      qualityMargin: 0.05,
    });
    const run = await sendUntil(
      system,
      'upgrades',
      // Both versions answer equally well: scores around 0.8.
      (_served, random) => 0.7 + 0.2 * random(),
    );

    const [verdict] = await canariesOf(system, 'upgrades');
    expect(verdict, verdict?.reason).toMatchObject({
      armModel: 'upgraded',
      armVersion: '2',
      stableVersion: '1',
      status: 'promoted',
    });
    const { model } = await system.registry.getModel({ name: 'upgraded' });
    expect(model?.version).toBe('2');
    expect((await routeOf(system, 'upgrades')).candidates.map((candidate) => candidate.model)).toEqual([
      'upgraded',
    ]);
    for (const metric of verdict?.metrics ?? []) {
      expect(metric.conclusion).toBe('not_worse');
      expect(Math.min(Number(metric.canarySamples), Number(metric.stableSamples))).toBeGreaterThanOrEqual(
        100,
      );
    }
    expect(verdict?.metrics).toHaveLength(3);
    expect(run.answered.get('upgraded@2')).toBeGreaterThan(0);
    expect(run.failed).toBe(0);
    process.stdout.write(
      `promotion: ${run.requests} requests in ${Math.round(run.elapsedMs)} ms; ` +
        `verdict after ${Number(verdict!.decidedUnixMs - verdict!.startedUnixMs)} ms watching\n`,
    );
  });
});
