import { create } from '@bufbuild/protobuf';
import { ModelSpecSchema } from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';
import { ServiceTimeEstimator } from './service-time-estimator.js';

const model = create(ModelSpecSchema, { name: 'm', latencyPriorMs: 10, latencyPriorPerUnitUs: 500 });

describe('ServiceTimeEstimator', () => {
  it('predicts from the registry prior until enough answers are measured', () => {
    const estimator = new ServiceTimeEstimator({ minSamples: 5 });
    expect(estimator.predictMs(model, 4)).toBeCloseTo(12);
    for (let index = 0; index < 4; index += 1) estimator.observe('m', 4, 100);
    expect(estimator.predictMs(model, 4)).toBeCloseTo(12);
  });

  it('learns a base time and a time per unit from measured answers', () => {
    const estimator = new ServiceTimeEstimator({ minSamples: 5 });
    for (let index = 0; index < 200; index += 1) {
      const complexity = (index % 10) + 1;
      estimator.observe('m', complexity, 3 + 2 * complexity);
    }
    expect(estimator.predictMs(model, 1)).toBeCloseTo(5, 0);
    expect(estimator.predictMs(model, 10)).toBeCloseTo(23, 0);
  });

  it('follows a model that becomes slower', () => {
    const estimator = new ServiceTimeEstimator({ minSamples: 5, weight: 0.1 });
    for (let index = 0; index < 50; index += 1) estimator.observe('m', 1, 5);
    for (let index = 0; index < 50; index += 1) estimator.observe('m', 1, 50);
    expect(estimator.predictMs(model, 1)).toBeGreaterThan(49);
  });
});
