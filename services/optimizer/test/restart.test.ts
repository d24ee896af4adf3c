import type { MessageInitShape } from '@bufbuild/protobuf';
import type { OutcomeRowSchema } from '@switchboard/protocol';
import type { RoutePolicy } from '@switchboard/routing-policy';
import { waitFor } from '@switchboard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../src/seeded-random.js';
import {
  createOptimizerTestBed,
  startOptimizerInProcess,
  waitForSettledVersion,
  waitForVersionAbove,
} from './optimizer-test-bed.js';
import type { InProcessOptimizer, OptimizerTestBed } from './optimizer-test-bed.js';
import { serveBatch } from './simulated-router.js';
import type { SimulatedModel } from './simulated-router.js';
import { makePrompt } from './synthetic-prompts.js';

const ROUTE = 'support';
const MODELS: SimulatedModel[] = [
  { name: 'small', trueQuality: 0.5, costUsd: 0.001, priorQuality: 0.6 },
  { name: 'large', trueQuality: 0.8, costUsd: 0.001, priorQuality: 0.6 },
];

function importedRows(count: number, random: () => number): MessageInitShape<typeof OutcomeRowSchema>[] {
  return Array.from({ length: count }, (_, index) => ({
    prompt: makePrompt(index % 2 === 0 ? 'code' : 'trivia', index, random),
    outcomes: MODELS.map((model) => ({
      model: model.name,
      quality: random() < model.trueQuality ? 1 : 0,
      costUsd: model.costUsd,
    })),
  }));
}

function observationsByModel(policy: RoutePolicy): Record<string, number> {
  return Object.fromEntries(
    [...policy.predictors].map(([model, predictor]) => [model, predictor.observations]),
  );
}

describe('optimizer restart', () => {
  let bed: OptimizerTestBed;
  let running: InProcessOptimizer | undefined;
  const random = seededRandom('restart');
  let requests = 0;

  /** Serves `count` requests with feedback and returns how many each model served. */
  async function serve(count: number): Promise<Record<string, number>> {
    const served = await serveBatch(bed, {
      route: ROUTE,
      models: MODELS,
      promptOf: (position) => makePrompt('trivia', 5_000 + requests + position, random),
      count,
      firstRequest: requests,
      tier: 'standard',
      random,
    });
    requests += count;
    const counts: Record<string, number> = { small: 0, large: 0 };
    for (const { decision } of served) counts[decision.model] = (counts[decision.model] ?? 0) + 1;
    return counts;
  }

  beforeAll(async () => {
    bed = await createOptimizerTestBed('restart');
    await bed.registerRoute(
      ROUTE,
      MODELS.map((model) => ({ name: model.name, quality: model.priorQuality })),
    );
  });

  afterAll(async () => {
    await running?.stop();
    await bed?.close();
  });

  it('keeps the newest policy and its predictions, learns the feedback sent while it was down and continues the versions', async () => {
    running = await startOptimizerInProcess(bed);
    const imported = await running.client.importOutcomes({
      route: ROUTE,
      rows: importedRows(200, random),
      train: true,
    });
    expect(imported.policyVersion).toBe(1n);
    await serve(30);
    await waitFor(async () => (await running!.client.getPolicy({ route: ROUTE })).liveVersion > 1n, {
      message: 'the feedback learned online and published',
    });
    await waitFor(async () => (await storedFeedback()) === 30, { message: 'feedback stored' });
    const learned = await waitForSettledVersion(bed, ROUTE);
    const before = (await bed.readPolicy(ROUTE))!;
    expect(before.version).toBe(learned);

    // A restart with nothing new: the same version is live, and the next publication (new settings)
    // carries exactly the predictors it had.
    await running.stop();
    running = await startOptimizerInProcess(bed);
    expect((await running.client.getPolicy({ route: ROUTE })).liveVersion).toBe(learned);
    await running.client.setRouteSettings({
      route: ROUTE,
      settings: {
        costWeightPerUsd: 5,
        sloMissWeight: 1,
        exploration: 0.2,
        explorationByTier: { premium: 0 },
      },
    });
    const next = await waitForVersionAbove(bed, ROUTE, learned);
    expect(next).toBe(learned + 1n);
    const republished = (await bed.readPolicy(ROUTE))!;
    expect(republished.settings.costWeightPerUsd).toBe(5);
    for (const [model, predictor] of before.predictors) {
      const again = republished.predictors.get(model)!;
      expect(again.means).toEqual(predictor.means);
      expect(again.variances).toEqual(predictor.variances);
      expect(again.biasMean).toBe(predictor.biasMean);
      expect(again.observations).toBe(predictor.observations);
    }

    // Feedback sent while the optimizer is down is read on its return, learned once, and published
    // as the next version.
    await running.stop();
    running = undefined;
    const whileDown = await serve(20);
    running = await startOptimizerInProcess(bed);
    const after = await waitForVersionAbove(bed, ROUTE, next);
    expect(after).toBe(next + 1n);
    await waitFor(async () => (await storedFeedback()) === 50, {
      message: 'feedback sent while down stored',
    });
    const resumed = await waitForSettledVersion(bed, ROUTE);
    const expected = Object.fromEntries(
      Object.entries(observationsByModel(republished)).map(([model, count]) => [
        model,
        count + (whileDown[model] ?? 0),
      ]),
    );
    expect(observationsByModel((await bed.readPolicy(ROUTE))!)).toEqual(expected);
    expect(resumed).toBeGreaterThanOrEqual(after);
  });

  async function storedFeedback(): Promise<number> {
    const [row] = await bed.sql<{ count: string }[]>`
      select count(*) from optimizer_observations where source = 'feedback'`;
    return Number(row?.count ?? 0);
  }
});
