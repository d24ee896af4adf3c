import { create } from '@bufbuild/protobuf';
import { ModelLoadSchema } from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';
import { LoadView } from './load-view.js';

const NOW = 1_000_000;
const load = (
  pending: number,
  fields: { serviceTimeMs?: number; batchSize?: number; throughputPerSecond?: number } = {},
) => create(ModelLoadSchema, { model: 'm', pending: BigInt(pending), ...fields });

describe('LoadView', () => {
  it('predicts no wait for an idle model and an infinite one for a model no worker serves', () => {
    const view = new LoadView();
    expect(view.queueWaitMs('m', 10, 1, 1, NOW)).toBe(0);
    expect(view.queueWaitMs('m', 10, 0, 1, NOW)).toBe(Number.POSITIVE_INFINITY);
  });

  it("divides the monitor's queue by the live workers' capacity", () => {
    const view = new LoadView();
    view.apply([load(100, { serviceTimeMs: 20, batchSize: 1 })], NOW);
    expect(view.queueWaitMs('m', 5, 1, 1, NOW)).toBeCloseTo(2_000);
    expect(view.queueWaitMs('m', 5, 2, 1, NOW)).toBeCloseTo(1_000);
  });

  it("counts this router's own unanswered jobs before the monitor reports them", () => {
    const view = new LoadView();
    for (let index = 0; index < 10; index += 1) view.jobStarted('m');
    expect(view.queueWaitMs('m', 10, 1, 1, NOW)).toBeCloseTo(100);
    for (let index = 0; index < 10; index += 1) view.jobFinished('m');
    expect(view.queueWaitMs('m', 10, 1, 1, NOW)).toBe(0);
  });

  it("counts a backlog as filling the model's batches, up to its largest", () => {
    const view = new LoadView();
    view.apply([load(100, { serviceTimeMs: 20, batchSize: 1 })], NOW);
    expect(view.queueWaitMs('m', 20, 1, 4, NOW)).toBeCloseTo(500);
    expect(view.queueWaitMs('m', 20, 50, 4, NOW)).toBeCloseTo(20);
  });

  it('ignores a snapshot once the monitor has been silent for a while', () => {
    const view = new LoadView();
    view.apply([load(100, { serviceTimeMs: 20 })], NOW);
    expect(view.queueWaitMs('m', 20, 1, 1, NOW + 60_000)).toBe(0);
  });
});
