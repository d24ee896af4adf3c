import { DEFAULT_FEATURE_SETTINGS, chooseWithPolicy, featurisePrompt } from '@switchboard/routing-policy';
import { scrapeMetrics, waitFor } from '@switchboard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../src/seeded-random.js';
import {
  createOptimizerTestBed,
  startOptimizerInProcess,
  waitForVersionAbove,
} from './optimizer-test-bed.js';
import type { InProcessOptimizer, OptimizerTestBed } from './optimizer-test-bed.js';
import { serveBatch } from './simulated-router.js';
import type { SimulatedModel } from './simulated-router.js';
import { makePrompt } from './synthetic-prompts.js';

const ROUTE = 'chat';
/** Equal cost and equal registry quality: only feedback tells them apart. Listed first, so the rules pick it. */
const WEAK: SimulatedModel = { name: 'weak', trueQuality: 0.45, costUsd: 0.002, priorQuality: 0.7 };
const STRONG: SimulatedModel = { name: 'strong', trueQuality: 0.85, costUsd: 0.002, priorQuality: 0.7 };
/** Expected reward lost by each request served by the weak model (the costs are equal). */
const GAP = STRONG.trueQuality - WEAK.trueQuality;
const BATCH = 40;
const BATCHES = 15;
const REQUESTS = BATCH * BATCHES;
/** The route's default exploration share. */
const EXPLORATION = 0.1;
/**
 * The regret bound. The first batch is served by the rules (no policy exists yet), which take the
 * first candidate, `weak`: at most GAP × BATCH. One more batch may be fully wrong while the first
 * policy is learned and published. From then on only exploration can pick `weak`, at most the
 * exploration share of the requests. So regret ≤ GAP × (2·BATCH + ε·(REQUESTS − 2·BATCH)) = 52.8;
 * a router that never learns loses GAP × REQUESTS = 240, one choosing at random 120.
 */
const REGRET_BOUND = GAP * (2 * BATCH + EXPLORATION * (REQUESTS - 2 * BATCH));
/** Feedback after which the route is refit (batch training) besides its online updates: three times in the run. */
const REFIT_OBSERVATIONS = 150;

describe('online learning from feedback', () => {
  let bed: OptimizerTestBed;
  let running: InProcessOptimizer;

  beforeAll(async () => {
    bed = await createOptimizerTestBed('converge');
    await bed.registerRoute(ROUTE, [
      { name: WEAK.name, quality: WEAK.priorQuality },
      { name: STRONG.name, quality: STRONG.priorQuality },
    ]);
    running = await startOptimizerInProcess(bed, {
      OPTIMIZER_REFIT_OBSERVATIONS: String(REFIT_OBSERVATIONS),
    });
  });

  afterAll(async () => {
    await running?.stop();
    await bed?.close();
  });

  it('converges to the better of two models of equal cost with cumulative regret under the stated bound, refitting along the way', async () => {
    const random = seededRandom('converge');
    const chosen: string[] = [];
    for (let batch = 0; batch < BATCHES; batch += 1) {
      const served = await serveBatch(bed, {
        route: ROUTE,
        models: [WEAK, STRONG],
        promptOf: (position) =>
          makePrompt(position % 2 === 0 ? 'code' : 'trivia', batch * BATCH + position, random),
        count: BATCH,
        firstRequest: batch * BATCH,
        tier: 'standard',
        random,
      });
      chosen.push(...served.map((request) => request.decision.model));
      // Like a router, the next batch uses the newest policy, published once this batch's feedback is learned.
      const before = await bed.announcedVersion(ROUTE);
      await waitFor(async () => (await feedbackRows()) === chosen.length, { message: 'feedback stored' });
      await waitForVersionAbove(bed, ROUTE, before);
    }

    const regret = chosen.filter((model) => model === WEAK.name).length * GAP;
    expect(regret).toBeLessThanOrEqual(REGRET_BOUND);
    const late = chosen.slice(-200);
    expect(late.filter((model) => model === STRONG.name).length / late.length).toBeGreaterThanOrEqual(0.85);

    // The policy's own preference, without exploration: the strong model for every prompt.
    const policy = (await bed.readPolicy(ROUTE))!;
    const candidates = [WEAK, STRONG].map((model) => ({
      model: model.name,
      costUsd: model.costUsd,
      priorQuality: model.priorQuality,
    }));
    for (let index = 0; index < 50; index += 1) {
      const indices = featurisePrompt(
        makePrompt(index % 2 === 0 ? 'code' : 'trivia', 90_000 + index, random),
        DEFAULT_FEATURE_SETTINGS,
      );
      const choice = chooseWithPolicy(policy, candidates, indices, 'premium', random);
      expect(candidates[choice.ranking[0]!]!.model).toBe(STRONG.name);
    }
    const evidence = await running.client.getPolicy({ route: ROUTE });
    const strong = evidence.models.find((model) => model.model === STRONG.name)!;
    expect(Number(strong.feedback)).toBe(chosen.filter((model) => model === STRONG.name).length);
    expect(strong.decisionShare).toBeGreaterThan(0.85);
    const metrics = await scrapeMetrics(running.optimizer.metricsPort);
    expect(metrics.histogram('switchboard_optimizer_training_duration_seconds').count).toBeGreaterThanOrEqual(
      Math.floor(REQUESTS / REFIT_OBSERVATIONS) - 1,
    );
  });

  async function feedbackRows(): Promise<number> {
    const [row] = await bed.sql<{ count: string }[]>`
      select count(*) from optimizer_observations where source = 'feedback'`;
    return Number(row?.count ?? 0);
  }
});
