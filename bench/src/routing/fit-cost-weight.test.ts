import type { OutcomeRecord } from '@switchboard/outcome-files';
import { describe, expect, it } from 'vitest';
import { fitCostWeight } from './fit-cost-weight.js';
import type { FitModel } from './fit-cost-weight.js';

/**
 * Made-up rows: the small model answers the arithmetic prompts and fails the essay prompts, the
 * large one answers everything at 20 times the price. 10% of the words are noise.
 */
function rows(count: number): OutcomeRecord[] {
  return Array.from({ length: count }, (_, index) => {
    const easy = index % 3 !== 0;
    const prompt = easy
      ? `add the numbers ${index} and ${index + 1} and give the sum`
      : `write an essay about topic ${index} comparing the philosophies in depth`;
    return {
      line: index + 2,
      sampleId: '',
      task: '',
      prompt,
      outcomes: new Map([
        ['org/Small', { quality: easy ? 1 : 0, costUsd: 0.0001 }],
        ['Large', { quality: 1, costUsd: 0.002 }],
      ]),
    };
  });
}

const models: FitModel[] = [
  { fileName: 'org/Small', registryName: 'small', predictedCostUsd: () => 0.0001 },
  { fileName: 'Large', registryName: 'large', predictedCostUsd: () => 0.002 },
];

describe('fitCostWeight', () => {
  it('finds a λ that sends the easy prompts to the cheap model within the cost target', () => {
    const fit = fitCostWeight({
      records: rows(300),
      models,
      referenceModel: 'Large',
      costTargets: [0.5, 0.01],
      exploration: 0,
      folds: 3,
      seed: 1,
    });

    const [withinHalf, impossible] = fit.chosen;
    expect(withinHalf!.costShare).toBeLessThanOrEqual(0.5);
    expect(withinHalf!.accuracy).toBeGreaterThan(0.95);
    expect(withinHalf!.costShare).toBeGreaterThan(0.3);
    // No λ reaches 1% of the large model's cost: the cheapest point of the sweep is taken.
    expect(impossible).toEqual(fit.points.at(-1));
    expect(impossible!.accuracy).toBeCloseTo(2 / 3, 1);
    // λ = 0 ignores cost: every prompt to the large model.
    expect(fit.points[0]).toMatchObject({ costWeightPerUsd: 0, accuracy: 1, costShare: 1 });
  });

  it('counts what exploration costs', () => {
    const options = {
      records: rows(150),
      models,
      referenceModel: 'Large',
      costTargets: [0.5],
      folds: 3,
      seed: 1,
    };
    const greedy = fitCostWeight({ ...options, exploration: 0 });
    const exploring = fitCostWeight({ ...options, exploration: 0.5 });
    // At λ = 1 the greedy policy sends everything to the large model; exploring sends some to the small one.
    const atOne = (fit: typeof greedy) => fit.points.find((point) => point.costWeightPerUsd === 1)!;
    expect(atOne(greedy).costShare).toBe(1);
    expect(atOne(exploring).costShare).toBeLessThan(0.97);
  });
});
