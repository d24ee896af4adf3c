import { StatusCode } from '@switchboard/errors';
import type { GrpcCallError } from '@switchboard/grpc';
import type { MessageInitShape } from '@bufbuild/protobuf';
import type { OutcomeRowSchema } from '@switchboard/protocol';
import { DEFAULT_FEATURE_SETTINGS, chooseWithPolicy, featurisePrompt } from '@switchboard/routing-policy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../src/seeded-random.js';
import { createOptimizerTestBed, startOptimizerInProcess } from './optimizer-test-bed.js';
import type { InProcessOptimizer, OptimizerTestBed } from './optimizer-test-bed.js';
import { makePrompt } from './synthetic-prompts.js';
import type { PromptKind } from './synthetic-prompts.js';

const ROUTE = 'assist';
/** The coder answers code prompts well and trivia badly; the generalist the other way round. */
const QUALITY: Record<string, Record<PromptKind, number>> = {
  coder: { code: 0.9, trivia: 0.2 },
  generalist: { code: 0.25, trivia: 0.9 },
};
const COST_USD = 0.002;
const KINDS: readonly PromptKind[] = ['code', 'trivia'];

/** Outcome rows as a team's file would hold them: each model right or wrong by its rate for the kind. */
function outcomeRows(
  count: number,
  random: () => number,
  firstNumber = 0,
): MessageInitShape<typeof OutcomeRowSchema>[] {
  return Array.from({ length: count }, (_, index) => {
    const kind = KINDS[index % 2]!;
    return {
      prompt: makePrompt(kind, firstNumber + index, random),
      outcomes: [
        ...Object.entries(QUALITY).map(([model, rates]) => ({
          model,
          quality: random() < rates[kind] ? 1 : 0,
          costUsd: COST_USD,
        })),
        // Not a candidate of the route: counted as skipped.
        { model: 'gpt-unlisted', quality: 1, costUsd: 0.03 },
      ],
    };
  });
}

function statusOf(error: unknown): { code?: number; details?: string } {
  const { code, details } = error as GrpcCallError;
  return { code, details };
}

describe('ImportOutcomes', () => {
  let bed: OptimizerTestBed;
  let running: InProcessOptimizer;

  beforeAll(async () => {
    bed = await createOptimizerTestBed('import');
    await bed.registerRoute(ROUTE, [
      { name: 'coder', quality: 0.6 },
      { name: 'generalist', quality: 0.6 },
      { name: 'spare', quality: 0.5 },
    ]);
    running = await startOptimizerInProcess(bed);
  });

  afterAll(async () => {
    await running?.stop();
    await bed?.close();
  });

  it('publishes a policy whose predictors prefer the right model for each kind of prompt', async () => {
    const random = seededRandom('import-rows');
    const first = await running.client.importOutcomes({ route: ROUTE, rows: outcomeRows(200, random) });
    expect(first).toMatchObject({ rowsStored: 200n, outcomesSkipped: 200n, policyVersion: 0n, refusal: '' });
    const last = await running.client.importOutcomes({
      route: ROUTE,
      rows: outcomeRows(200, random, 200),
      train: true,
    });
    expect(last).toMatchObject({ rowsStored: 200n, policyVersion: 1n, refusal: '' });

    const policy = await bed.readPolicy(ROUTE);
    expect(policy?.version).toBe(1n);
    // Only models with outcomes get a predictor; `spare` keeps its registry prior.
    expect([...(policy?.predictors.keys() ?? [])].sort()).toEqual(['coder', 'generalist']);
    const candidates = ['coder', 'generalist', 'spare'].map((model) => ({
      model,
      costUsd: COST_USD,
      priorQuality: 0.5,
    }));
    const fresh = seededRandom('fresh-prompts');
    for (const kind of KINDS) {
      const expected = kind === 'code' ? 'coder' : 'generalist';
      let right = 0;
      for (let index = 0; index < 40; index += 1) {
        const indices = featurisePrompt(makePrompt(kind, 10_000 + index, fresh), DEFAULT_FEATURE_SETTINGS);
        // Premium tenants never explore (the default settings): the greedy choice.
        const choice = chooseWithPolicy(policy!, candidates, indices, 'premium', fresh);
        if (candidates[choice.ranking[0]!]!.model === expected) right += 1;
      }
      expect({ kind, right }).toEqual({ kind, right: 40 });
    }
  });

  it('explains the policy with evidence per candidate model', async () => {
    const response = await running.client.getPolicy({ route: ROUTE });
    expect(response.liveVersion).toBe(1n);
    expect(response.settings).toMatchObject({ costWeightPerUsd: 10, sloMissWeight: 1, exploration: 0.1 });
    expect(response.settings?.explorationByTier).toEqual({ premium: 0 });
    expect(response.estimate?.method).toBe('full_information');
    const byModel = new Map(response.models.map((model) => [model.model, model]));
    expect([...byModel.keys()]).toEqual(['coder', 'generalist', 'spare']);
    const coder = byModel.get('coder')!;
    // 400 rows, about one in ten held out from training.
    expect(Number(coder.observations)).toBeGreaterThan(320);
    expect(Number(coder.observations)).toBeLessThan(400);
    expect(coder.meanQuality).toBeGreaterThan(0.45);
    expect(coder.meanQuality).toBeLessThan(0.65);
    expect(coder.meanCostUsd).toBeCloseTo(COST_USD, 9);
    expect(coder.qualityUncertainty).toBeGreaterThan(0);
    expect(coder.qualityUncertainty).toBeLessThan(byModel.get('spare')!.qualityUncertainty);
    expect(byModel.get('spare')?.observations).toBe(0n);
    expect(response.lastRefusal).toBeUndefined();
  });

  it('refuses an unregistered route with NOT_FOUND and malformed rows with INVALID_ARGUMENT saying what to fix', async () => {
    const row = (quality: number, costUsd = 0.001) => ({
      prompt: 'hello',
      outcomes: [{ model: 'coder', quality, costUsd }],
    });
    await expect(
      running.client.importOutcomes({ route: 'nope', rows: [row(1)] }).catch(statusOf),
    ).resolves.toEqual({
      code: StatusCode.NOT_FOUND,
      details: 'route "nope" is not registered; create it in the registry first (switchboard routes put)',
    });
    await expect(running.client.getPolicy({ route: 'nope' }).catch(statusOf)).resolves.toMatchObject({
      code: StatusCode.NOT_FOUND,
    });
    await expect(
      running.client.importOutcomes({ route: ROUTE, rows: [row(1), row(1.5)] }).catch(statusOf),
    ).resolves.toEqual({
      code: StatusCode.INVALID_ARGUMENT,
      details:
        'row 2, model "coder": quality 1.5 is outside [0, 1]; give e.g. 1 for a correct answer and 0 for a wrong one',
    });
    await expect(
      running.client.importOutcomes({ route: ROUTE, rows: [row(1, -1)] }).catch(statusOf),
    ).resolves.toMatchObject({
      code: StatusCode.INVALID_ARGUMENT,
      details: expect.stringMatching(/cost_usd -1/),
    });
    await expect(
      running.client.importOutcomes({ route: ROUTE, rows: [{ prompt: ' ', outcomes: [] }] }).catch(statusOf),
    ).resolves.toEqual({ code: StatusCode.INVALID_ARGUMENT, details: 'row 1: prompt is empty' });
    await expect(
      running.client
        .setRouteSettings({ route: ROUTE, settings: { costWeightPerUsd: 10, exploration: 0.7 } })
        .catch(statusOf),
    ).resolves.toEqual({
      code: StatusCode.INVALID_ARGUMENT,
      details: 'exploration must be in [0, 0.5], got 0.7',
    });
    // Nothing of the refused calls was stored.
    const [stored] = await bed.sql<{ count: string }[]>`select count(*) from optimizer_imported_rows`;
    expect(Number(stored?.count)).toBe(400);
  });
});
