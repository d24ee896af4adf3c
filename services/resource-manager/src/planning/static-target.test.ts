import { describe, expect, it } from 'vitest';
import { staticTarget } from './static-target.js';

describe('staticTarget', () => {
  it("serves the registry's minimum whatever the load, and still predicts the wait", () => {
    const target = staticTarget({
      model: 'm',
      demandPerSecond: 500,
      forecastPerSecond: 900,
      queued: 40,
      capacityPerReplica: 10,
      servingReplicas: 2,
      queueWaitSloMs: 500,
      minReplicas: 3,
      maxReplicas: 0,
      keepWarm: false,
      idle: false,
    });
    expect(target).toEqual({ model: 'm', replicas: 3, reason: 'static', predictedWaitMs: 2_000 });
  });
});
