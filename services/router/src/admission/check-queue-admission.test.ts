import { create } from '@bufbuild/protobuf';
import { StatusCode } from '@switchboard/errors';
import { ModelSpecSchema } from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';
import type { Prediction } from '../selection/choose-feasible.js';
import { checkQueueAdmission } from './check-queue-admission.js';

const NOW = 1_700_000_000_000;
const predicted = (latencyMs: number, queueWaitMs: number): Prediction => ({
  model: create(ModelSpecSchema, { name: 'm' }),
  latencyMs,
  queueWaitMs,
  costMicros: 0,
  quality: 1,
  available: true,
});
const refusalOf = (run: () => void) => {
  try {
    run();
  } catch (error) {
    return error as { code: number; retryAfterMs: number; message: string };
  }
  throw new Error('admitted');
};

describe('checkQueueAdmission', () => {
  it('admits a request predicted to answer well within its budget and deadline', () => {
    expect(() =>
      checkQueueAdmission(
        predicted(700, 600),
        { jobsAhead: 8, maxQueuedPerModel: 100 },
        { deadlineUnixMs: NOW + 1_000, budgetMs: 1_000 },
        NOW,
      ),
    ).not.toThrow();
  });

  it('refuses a request predicted to answer after its deadline, retrying when the excess has drained', () => {
    const refusal = refusalOf(() =>
      checkQueueAdmission(
        predicted(1_600, 1_500),
        { jobsAhead: 15, maxQueuedPerModel: 100 },
        { deadlineUnixMs: NOW + 1_000, budgetMs: 5_000 },
        NOW,
      ),
    );
    expect(refusal).toMatchObject({ code: StatusCode.RESOURCE_EXHAUSTED, retryAfterMs: 600 });
    expect(refusal.message).toMatch(/retry in 600 ms or allow more time/);
  });

  it('refuses a request whose queue puts it past 3/4 of its latency budget, though its deadline is far', () => {
    const refusal = refusalOf(() =>
      checkQueueAdmission(
        predicted(900, 800),
        { jobsAhead: 8, maxQueuedPerModel: 100 },
        { deadlineUnixMs: NOW + 30_000, budgetMs: 1_000 },
        NOW,
      ),
    );
    expect(refusal).toMatchObject({ code: StatusCode.RESOURCE_EXHAUSTED, retryAfterMs: 150 });
  });

  it('admits a request to an idle model slower than its budget: the route degrades to it, no queue to blame', () => {
    expect(() =>
      checkQueueAdmission(
        predicted(2_000, 0),
        { jobsAhead: 0, maxQueuedPerModel: 100 },
        { deadlineUnixMs: NOW + 30_000, budgetMs: 500 },
        NOW,
      ),
    ).not.toThrow();
  });

  it('admits a request to a model slower than its budget behind a short queue, while its deadline holds', () => {
    // An LLM answer predicted at 12 s for a 15 s budget: a 50 ms queue is not what makes it slow.
    expect(() =>
      checkQueueAdmission(
        predicted(12_050, 50),
        { jobsAhead: 1, maxQueuedPerModel: 100 },
        { deadlineUnixMs: NOW + 15_000, budgetMs: 15_000 },
        NOW,
      ),
    ).not.toThrow();
    expect(
      refusalOf(() =>
        checkQueueAdmission(
          predicted(16_000, 4_000),
          { jobsAhead: 9, maxQueuedPerModel: 100 },
          { deadlineUnixMs: NOW + 15_000, budgetMs: 15_000 },
          NOW,
        ),
      ),
    ).toMatchObject({ code: StatusCode.RESOURCE_EXHAUSTED });
  });

  it('refuses a request for a model whose queue is at its bound, however long the deadline', () => {
    const refusal = refusalOf(() =>
      checkQueueAdmission(
        predicted(1_000, 1_000),
        { jobsAhead: 100, maxQueuedPerModel: 100 },
        { deadlineUnixMs: NOW + 60_000, budgetMs: 60_000 },
        NOW,
      ),
    );
    expect(refusal).toMatchObject({ code: StatusCode.RESOURCE_EXHAUSTED, retryAfterMs: 50 });
    expect(refusal.message).toMatch(/ROUTER_MAX_QUEUED_PER_MODEL=100/);
  });

  it('queues for a model without a live worker (infinite wait) until one is placed', () => {
    const infinite = predicted(Infinity, Infinity);
    expect(() =>
      checkQueueAdmission(
        infinite,
        { jobsAhead: 3, maxQueuedPerModel: 100 },
        { deadlineUnixMs: NOW + 1_000, budgetMs: 1_000 },
        NOW,
      ),
    ).not.toThrow();
  });
});
