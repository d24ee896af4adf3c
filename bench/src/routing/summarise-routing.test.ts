import type { OutcomeRecord } from '@switchboard/outcome-files';
import { describe, expect, it } from 'vitest';
import type { RoutedAnswer } from './send-prompts.js';
import { ratiosToReference, summariseAnswers, summariseOracle } from './summarise-routing.js';

const answer = (
  model: string,
  correct: boolean,
  costUsd: number,
  reason = 'learned_policy',
): RoutedAnswer => ({
  code: 0,
  correct,
  costUsd,
  model,
  reason,
  requestId: 'id',
  tenant: 'anonymous',
});

function record(prompt: string, outcomes: [string, number, number][]): OutcomeRecord {
  return {
    line: 2,
    sampleId: '',
    task: '',
    prompt,
    outcomes: new Map(outcomes.map(([model, quality, costUsd]) => [model, { quality, costUsd }])),
  };
}

describe('summariseAnswers', () => {
  it('counts failures as wrong answers that cost nothing, and the model and reason mix of the rest', () => {
    const failed: RoutedAnswer = {
      code: 4,
      correct: false,
      costUsd: 0,
      model: '',
      reason: '',
      requestId: 'x',
      tenant: '',
    };
    const summary = summariseAnswers([
      answer('small', true, 0.001),
      answer('large', true, 0.01, 'cheapest_feasible'),
      answer('small', false, 0.001),
      failed,
    ]);

    expect(summary.figures).toEqual({ accuracy: 0.5, cost_usd: 0.012, requests: 4 });
    expect(summary.details).toEqual({
      errors: 1,
      models: { small: 2, large: 1 },
      reasons: { learned_policy: 2, cheapest_feasible: 1 },
      computed: false,
    });
  });
});

describe('summariseOracle', () => {
  it('takes the cheapest correct model per prompt, else the cheapest, and says it was computed', () => {
    const names = new Map([
      ['org/Small', 'small'],
      ['Large', 'large'],
    ]);
    const summary = summariseOracle(
      [
        record('both right', [
          ['org/Small', 1, 0.001],
          ['Large', 1, 0.01],
        ]),
        record('only large', [
          ['org/Small', 0, 0.001],
          ['Large', 1, 0.01],
        ]),
        record('none', [
          ['org/Small', 0, 0.002],
          ['Large', 0, 0.01],
        ]),
      ],
      names,
    );

    expect(summary.figures.accuracy).toBeCloseTo(2 / 3);
    expect(summary.figures.cost_usd).toBeCloseTo(0.013);
    expect(summary.details).toMatchObject({ computed: true, models: { small: 2, large: 1 } });
  });
});

describe('ratiosToReference', () => {
  it('divides each policy’s accuracy and cost by always-gpt-4-1106-preview’s', () => {
    const ratios = ratiosToReference({
      'always-gpt-4-1106-preview': { accuracy: 0.8, cost_usd: 2, requests: 10 },
      'optimizer-offline': { accuracy: 0.72, cost_usd: 0.5, requests: 10 },
    });
    expect(ratios['optimizer-offline']?.accuracy).toBeCloseTo(0.9);
    expect(ratios['optimizer-offline']?.cost).toBeCloseTo(0.25);
    expect(ratiosToReference({ rules: { accuracy: 1, cost_usd: 1, requests: 1 } })).toEqual({});
  });
});
