import type { OutcomeRecord } from '@switchboard/outcome-files';
import { describe, expect, it } from 'vitest';
import { createSeededRandom } from '../shared/seeded-random.js';
import type { TraceArrival } from '../shared/read-trace.js';
import { fitReplayCostWeight } from './fit-replay-cost-weight.js';
import { simulatedLlmOf } from './llm-catalogue.js';
import { toLlmSpec } from './provision-llms.js';

const SMALL = simulatedLlmOf('mistralai/mistral-7b-chat');
const LARGE = simulatedLlmOf('gpt-4-1106-preview');
const MODELS = [SMALL, LARGE];
const SPECS = MODELS.map((model) => toLlmSpec(model, { outcomesFile: '', speedup: 1, train: [] }));

/** Made-up rows: the small model answers the arithmetic prompts, the large one everything at 20 times the cost. */
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
        [SMALL.routerBenchName, { quality: easy ? 1 : 0, costUsd: 0.0001 }],
        [LARGE.routerBenchName, { quality: 1, costUsd: 0.002 }],
      ]),
    };
  });
}

const arrivals = (promptTokens: number): TraceArrival[] => [{ offsetMs: 0, promptTokens, outputTokens: 200 }];

function fit(promptTokens: number) {
  return fitReplayCostWeight({
    train: rows(300),
    models: MODELS,
    specs: SPECS,
    arrivals: arrivals(promptTokens),
    costTarget: 0.5,
    exploration: 0,
    seed: 1,
    random: createSeededRandom(1),
  });
}

describe('fitReplayCostWeight', () => {
  it('fits λ within the cost target, as a share of the dearest model’s cost', () => {
    const short = fit(100);
    expect(short.referenceModel).toBe(LARGE.routerBenchName);
    expect(short.costShare).toBeLessThanOrEqual(0.5);
    expect(short.accuracy).toBeGreaterThan(0.95);
  });

  it('prices each row as a request of the trace’s size, so long conversations call for a smaller λ', () => {
    // 10,000 input tokens make the router predict ~15 times the cost difference of 100 tokens.
    const short = fit(100);
    const long = fit(10_000);
    expect(long.costShare).toBeLessThanOrEqual(0.5);
    expect(long.costWeightPerUsd).toBeLessThan(short.costWeightPerUsd / 5);
  });

  it('refuses to fit without training rows', () => {
    expect(() =>
      fitReplayCostWeight({
        train: [],
        models: MODELS,
        specs: SPECS,
        arrivals: arrivals(100),
        costTarget: 0.5,
        exploration: 0,
        seed: 1,
        random: createSeededRandom(1),
      }),
    ).toThrow(/needs models, training rows and trace requests/);
  });
});
