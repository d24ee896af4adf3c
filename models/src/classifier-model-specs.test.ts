import { describe, expect, it } from 'vitest';
import { classifierModelSpecs } from './classifier-model-specs.js';

describe('classifierModelSpecs', () => {
  it('gives each classifier a latency prior, the small one well below the large one, and nothing per unit', () => {
    const priors = new Map(
      classifierModelSpecs().map((spec) => [spec.name, [spec.latencyPriorMs, spec.latencyPriorPerUnitUs]]),
    );

    expect(priors.get('classifier-small')).toEqual([0.2, 0]);
    expect(priors.get('classifier-large')).toEqual([1, 0]);
  });
});
