import { describe, expect, it } from 'vitest';
import { chooseTargets, staticModel } from './choose-targets.js';
import type { WorkloadRequest } from './create-workload.js';
import { createSeededRandom } from '../shared/seeded-random.js';

function request(index: number, overrides: Partial<WorkloadRequest>): WorkloadRequest {
  return {
    index,
    sendAtMs: index,
    modality: 'text',
    shape: [1, 1_000],
    complexity: 1_000,
    tier: 'free',
    budgetMs: 5_000,
    tightDeadline: false,
    ...overrides,
  };
}

describe('staticModel', () => {
  it('picks the cheapest model that meets the tier’s quality floor', () => {
    expect(staticModel(request(0, { tier: 'free' })).name).toBe('text-small');
    expect(staticModel(request(0, { tier: 'standard' })).name).toBe('text-medium');
    expect(staticModel(request(0, { tier: 'premium' })).name).toBe('text-large');
    expect(
      staticModel(
        request(0, { modality: 'image', shape: [1, 128, 128, 3], complexity: 16_384, tier: 'standard' }),
      ).name,
    ).toBe('image-small');
  });

  it('passes over a model whose size limit the request exceeds', () => {
    expect(staticModel(request(0, { complexity: 6_000, shape: [1, 6_000] })).name).toBe('text-medium');
  });
});

describe('chooseTargets', () => {
  it('takes the capable models of each modality in turn under round-robin', () => {
    const workload = [0, 1, 2, 3].map((index) => request(index, {}));
    expect(chooseTargets('round-robin', workload, createSeededRandom(1))).toEqual([
      'text-small',
      'text-medium',
      'text-large',
      'text-small',
    ]);
  });

  it('sends every request to its modality’s route under switchboard', () => {
    const workload = [request(0, {}), request(1, { modality: 'structured', shape: [1, 32], complexity: 32 })];
    expect(chooseTargets('switchboard', workload, createSeededRandom(1))).toEqual(['chat', 'tabular']);
  });
});
