import { describe, expect, it } from 'vitest';
import type { ModelDemand } from './model-demand.js';
import { ReactiveScaler } from './reactive-scaler.js';

function demandOf(queued: number, overrides: Partial<ModelDemand> = {}): ModelDemand {
  return {
    model: 'm',
    demandPerSecond: 0,
    forecastPerSecond: 0,
    queued,
    capacityPerReplica: 10,
    servingReplicas: 1,
    queueWaitSloMs: 500,
    minReplicas: 0,
    maxReplicas: 0,
    keepWarm: false,
    idle: false,
    ...overrides,
  };
}

const options = { lagThreshold: 10, pollMs: 15_000, stabilisationMs: 60_000 };

describe('ReactiveScaler', () => {
  it('asks for one replica per lagThreshold queued jobs, sampled once per poll interval', () => {
    const scaler = new ReactiveScaler(options);
    expect(scaler.target(demandOf(35), 0)).toEqual({
      model: 'm',
      replicas: 4,
      reason: 'queue-wait',
      predictedWaitMs: 3_500,
    });
    // Between polls the last sample stands, whatever the queue does.
    expect(scaler.target(demandOf(95), 14_999).replicas).toBe(4);
    expect(scaler.target(demandOf(95), 15_000).replicas).toBe(10);
  });

  it('scales up at once but down only after the lower count held for the stabilisation window', () => {
    const scaler = new ReactiveScaler(options);
    scaler.target(demandOf(50), 0);
    expect(scaler.target(demandOf(10), 15_000).replicas).toBe(5);
    expect(scaler.target(demandOf(20), 45_000).replicas).toBe(5);
    // The sample of 5 leaves the window at 60 s; the highest left is 2 (from 45 s).
    expect(scaler.target(demandOf(0), 60_000).replicas).toBe(2);
    expect(scaler.target(demandOf(0), 105_000)).toMatchObject({ replicas: 0, reason: 'idle' });
  });

  it('scales from zero as soon as a poll sees anything queued', () => {
    const scaler = new ReactiveScaler(options);
    expect(scaler.target(demandOf(0, { servingReplicas: 0 }), 0).replicas).toBe(0);
    expect(scaler.target(demandOf(1, { servingReplicas: 0 }), 15_000)).toEqual({
      model: 'm',
      replicas: 1,
      reason: 'queue-wait',
      predictedWaitMs: Infinity,
    });
  });

  it("applies the model's minimum, maximum and keep-warm to every sample", () => {
    const scaler = new ReactiveScaler(options);
    expect(scaler.target(demandOf(0, { minReplicas: 2 }), 0)).toMatchObject({
      replicas: 2,
      reason: 'min-replicas',
    });
    expect(scaler.target(demandOf(0, { keepWarm: true }), 1_000)).toMatchObject({
      replicas: 1,
      reason: 'keep-warm',
    });
    expect(scaler.target(demandOf(500, { maxReplicas: 6 }), 15_000)).toMatchObject({
      replicas: 6,
      reason: 'max-replicas',
    });
  });

  it('rejects a lag threshold that is not positive', () => {
    expect(() => new ReactiveScaler({ ...options, lagThreshold: 0 })).toThrow(RangeError);
  });
});
