import { describe, expect, it } from 'vitest';
import type { ModelDemand } from './model-demand.js';
import { predictiveTarget } from './predictive-target.js';

function demandOf(overrides: Partial<ModelDemand> = {}): ModelDemand {
  return {
    model: 'm',
    demandPerSecond: 0,
    forecastPerSecond: 0,
    queued: 0,
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

const options = { targetUtilisation: 0.5 };

describe('predictiveTarget', () => {
  it('asks for enough replicas to serve the forecast at the target utilisation', () => {
    expect(predictiveTarget(demandOf({ forecastPerSecond: 21, demandPerSecond: 4 }), options)).toEqual({
      model: 'm',
      replicas: 5,
      reason: 'forecast',
      predictedWaitMs: 0,
    });
    expect(predictiveTarget(demandOf({ forecastPerSecond: 20 }), options).replicas).toBe(4);
    // 2.1 / 0.7 is 3.0000000000000004 in floating point: still 3 replicas.
    expect(
      predictiveTarget(demandOf({ forecastPerSecond: 2.1, capacityPerReplica: 0.7 }), {
        targetUtilisation: 1,
      }).replicas,
    ).toBe(3);
  });

  it('follows the measured demand when it runs above the forecast', () => {
    expect(predictiveTarget(demandOf({ forecastPerSecond: 4, demandPerSecond: 31 }), options).replicas).toBe(
      7,
    );
  });

  it('raises at once to drain the backlog within the SLO while serving demand when the predicted wait breaks it', () => {
    // 100 queued on one replica of 10 rps: 10 s of wait. Draining 100 in 0.5 s while serving 10 rps: 210 rps.
    const target = predictiveTarget(
      demandOf({ queued: 100, demandPerSecond: 10, forecastPerSecond: 10 }),
      options,
    );
    expect(target).toEqual({ model: 'm', replicas: 21, reason: 'queue-wait', predictedWaitMs: 10_000 });
  });

  it('keeps the forecast while the predicted wait is within the SLO', () => {
    // 4 queued on two replicas of 10 rps: 200 ms.
    const target = predictiveTarget(
      demandOf({ queued: 4, servingReplicas: 2, forecastPerSecond: 12 }),
      options,
    );
    expect(target).toEqual({ model: 'm', replicas: 3, reason: 'forecast', predictedWaitMs: 200 });
  });

  it('scales from zero when jobs are queued and no replica serves', () => {
    const target = predictiveTarget(demandOf({ queued: 3, servingReplicas: 0, idle: true }), options);
    expect(target).toEqual({ model: 'm', replicas: 1, reason: 'queue-wait', predictedWaitMs: Infinity });
  });

  it('goes to zero when idle, unless a minimum or a route keeps replicas warm', () => {
    const idle = { idle: true, servingReplicas: 0 };
    expect(predictiveTarget(demandOf(idle), options)).toMatchObject({ replicas: 0, reason: 'idle' });
    expect(predictiveTarget(demandOf({ ...idle, keepWarm: true }), options)).toMatchObject({
      replicas: 1,
      reason: 'keep-warm',
    });
    expect(predictiveTarget(demandOf({ ...idle, minReplicas: 2, keepWarm: true }), options)).toMatchObject({
      replicas: 2,
      reason: 'min-replicas',
    });
  });

  it('caps the replicas at the maximum, where 0 means unbounded', () => {
    const busy = { forecastPerSecond: 1_000 };
    expect(predictiveTarget(demandOf({ ...busy, maxReplicas: 8 }), options)).toMatchObject({
      replicas: 8,
      reason: 'max-replicas',
    });
    expect(predictiveTarget(demandOf({ ...busy, maxReplicas: 0 }), options)).toMatchObject({
      replicas: 200,
      reason: 'forecast',
    });
  });

  it('rejects a capacity, SLO or target utilisation out of range', () => {
    expect(() => predictiveTarget(demandOf({ capacityPerReplica: 0 }), options)).toThrow(RangeError);
    expect(() => predictiveTarget(demandOf({ queueWaitSloMs: 0 }), options)).toThrow(RangeError);
    expect(() => predictiveTarget(demandOf(), { targetUtilisation: 1.5 })).toThrow(RangeError);
  });
});
