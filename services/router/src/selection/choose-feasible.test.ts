import { create } from '@bufbuild/protobuf';
import { StatusCode } from '@switchboard/errors';
import { InfeasibleAction, ModelSpecSchema, SelectionObjective } from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';
import { planCascade, selectModel } from './choose-feasible.js';
import type { Prediction, SelectionConstraints } from './choose-feasible.js';

function prediction(
  name: string,
  latencyMs: number,
  costMicros: number,
  quality: number,
  available = true,
): Prediction {
  const model = create(ModelSpecSchema, { name });
  return { model, latencyMs, queueWaitMs: 0, costMicros, quality, available };
}

const fast = prediction('fast', 10, 50, 0.8);
const cheap = prediction('cheap', 200, 5, 0.8);
const best = prediction('best', 80, 400, 0.97);
const all = [fast, cheap, best];
const loose: SelectionConstraints = {
  budgetMs: 1_000,
  maxCostMicros: undefined,
  minQuality: 0,
  budgetOrigin: 'test',
};
const cheapest = { objective: SelectionObjective.CHEAPEST, whenInfeasible: InfeasibleAction.DEGRADE };
const refuse = { ...cheapest, whenInfeasible: InfeasibleAction.REFUSE };
const names = (predictions: Prediction[]) => predictions.map((entry) => entry.model.name);

describe('selectModel', () => {
  it('ranks feasible models cheapest first, with the rest as fallbacks', () => {
    const selection = selectModel('route "r"', all, loose, cheapest);
    expect(names(selection.ranked)).toEqual(['cheap', 'fast', 'best']);
    expect(selection.reason).toBe('cheapest_feasible');
  });

  it('leaves out models that miss the budget, the cost cap or the floor', () => {
    expect(names(selectModel('r', all, { ...loose, budgetMs: 100 }, cheapest).ranked)).toEqual([
      'fast',
      'best',
    ]);
    expect(names(selectModel('r', all, { ...loose, maxCostMicros: 60 }, cheapest).ranked)).toEqual([
      'cheap',
      'fast',
    ]);
    expect(names(selectModel('r', all, { ...loose, minQuality: 0.9 }, cheapest).ranked)).toEqual(['best']);
  });

  it('passes over a model whose queue pushes it past three quarters of the budget, which admission would refuse, while another fits', () => {
    // 900 ms of a 1,000 ms budget, 800 of them queueing: within the budget, past admission's 750 ms aim.
    const queuedCheap = { ...prediction('queued-cheap', 900, 5, 0.8), queueWaitMs: 800 };
    // As slow, but on its own: no queue to blame, so it stays a candidate.
    const slowAlone = prediction('slow-alone', 900, 6, 0.8);
    expect(names(selectModel('r', [queuedCheap, slowAlone, fast], loose, cheapest).ranked)).toEqual([
      'slow-alone',
      'fast',
    ]);
    expect(names(planCascade([queuedCheap, slowAlone, fast], loose, 0))).toEqual(['slow-alone', 'fast']);
  });

  it('refuses as overloaded, with when to retry, when only queues keep every model past three quarters of the budget', () => {
    const queued = { ...prediction('queued', 900, 5, 0.8), queueWaitMs: 800 };
    let refusal: unknown;
    try {
      selectModel('route "r"', [queued], loose, refuse);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toMatchObject({ code: StatusCode.RESOURCE_EXHAUSTED, retryAfterMs: 150 });
    expect((refusal as Error).message).toMatch(
      /queued, is predicted to start in 800\.0 ms and answer in 900\.0 ms/,
    );
    // Just past the aim, the delay is still long enough not to make the client spin.
    const barely = { ...queued, latencyMs: 751 };
    expect(() => selectModel('route "r"', [barely], loose, refuse)).toThrow(
      expect.objectContaining({ retryAfterMs: 50 }),
    );
  });

  it('breaks a cost tie in favour of the faster model', () => {
    const slowTwin = prediction('slow-twin', 300, 5, 0.8);
    expect(names(selectModel('r', [slowTwin, cheap], loose, cheapest).ranked)).toEqual([
      'cheap',
      'slow-twin',
    ]);
  });

  it('orders by latency or quality when the policy says so', () => {
    const fastest = { ...cheapest, objective: SelectionObjective.FASTEST };
    const quality = { ...cheapest, objective: SelectionObjective.BEST_QUALITY };
    expect(selectModel('r', all, loose, fastest)).toMatchObject({ reason: 'fastest_feasible' });
    expect(names(selectModel('r', all, loose, fastest).ranked)[0]).toBe('fast');
    expect(names(selectModel('r', all, loose, quality).ranked)[0]).toBe('best');
  });

  it('skips a model whose circuit is open', () => {
    const broken = prediction('cheap', 200, 5, 0.8, false);
    expect(names(selectModel('r', [fast, broken], loose, cheapest).ranked)).toEqual(['fast']);
  });

  it('degrades to the fastest available model when nothing is feasible', () => {
    const selection = selectModel('r', all, { ...loose, budgetMs: 1 }, cheapest);
    expect(selection.reason).toBe('degraded_fastest');
    expect(names(selection.ranked)).toEqual(['fast', 'best', 'cheap']);
  });

  it('refuses with the tightest constraint when the policy refuses', () => {
    expect(() => selectModel('route "r"', all, { ...loose, budgetMs: 1 }, refuse)).toThrow(
      expect.objectContaining({
        code: StatusCode.DEADLINE_EXCEEDED,
        message: expect.stringContaining('1 ms latency budget'),
      }),
    );
    expect(() => selectModel('route "r"', all, { ...loose, maxCostMicros: 1 }, refuse)).toThrow(
      expect.objectContaining({
        code: StatusCode.RESOURCE_EXHAUSTED,
        message: expect.stringContaining('the cheapest, cheap'),
      }),
    );
    expect(() => selectModel('route "r"', all, { ...loose, minQuality: 0.99 }, refuse)).toThrow(
      expect.objectContaining({
        code: StatusCode.RESOURCE_EXHAUSTED,
        message: expect.stringContaining('the best, best'),
      }),
    );
  });

  it('answers UNAVAILABLE when every circuit is open', () => {
    const broken = [prediction('a', 1, 1, 1, false), prediction('b', 1, 1, 1, false)];
    expect(() => selectModel('route "r"', broken, loose, cheapest)).toThrow(
      expect.objectContaining({ code: StatusCode.UNAVAILABLE, message: expect.stringContaining('(a, b)') }),
    );
  });
});

describe('planCascade', () => {
  it('plans the models within budget and cap cheapest first, below the quality floor included', () => {
    expect(names(planCascade(all, { ...loose, minQuality: 0.9 }, 0))).toEqual(['cheap', 'fast', 'best']);
    expect(names(planCascade(all, { ...loose, budgetMs: 100 }, 0))).toEqual(['fast', 'best']);
    expect(names(planCascade(all, loose, 2))).toEqual(['cheap', 'fast']);
  });
});
