import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticSpec } from '@switchboard/models/testing';
import { featureRow, inferFeatures } from './support/infer-features.js';
import { startTestSystem } from './support/test-system.js';
import type { TestSystem } from './support/test-system.js';

const THRESHOLD = 0.75;
const REQUESTS = 40;

describe('a confidence cascade', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await startTestSystem('cascade');
    await system.registry.registerModel({
      // Confidence spread around the threshold, keyed by the input: some answers escalate, some not.
      model: syntheticSpec(
        'petite',
        { base_latency_ms: '2', confidence_mean: '0.75', confidence_spread: '0.2' },
        4,
        { costMicros: 10, quality: 0.7 },
      ),
    });
    await system.registry.registerModel({
      model: syntheticSpec('grande', { base_latency_ms: '40', confidence_mean: '0.97' }, 4, {
        costMicros: 200,
        quality: 0.95,
      }),
    });
    await system.registry.putRoute({
      route: {
        name: 'cascade',
        candidates: [{ model: 'grande' }, { model: 'petite' }],
        cascade: { confidenceThreshold: THRESHOLD },
      },
    });
    await system.startWorker(['petite', 'grande']);
    await system.waitUntilReady('petite');
    await system.waitUntilReady('grande');
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('escalates to the larger model exactly when the small one is below the threshold', async () => {
    const answers = [];
    for (let index = 0; index < REQUESTS; index += 1) {
      answers.push(
        await inferFeatures(system.oip, 'cascade', featureRow(index), {
          parameters: { sla_ms: { int64_param: 2_000 } },
        }),
      );
    }
    let escalated = 0;
    for (const answer of answers) {
      const firstConfidence = answer.confidences[0] ?? NaN;
      expect(answer.tried[0]).toBe('petite');
      if (firstConfidence < THRESHOLD) {
        escalated += 1;
        expect(answer).toMatchObject({
          model: 'grande',
          step: 2,
          tried: ['petite', 'grande'],
          reason: 'cascade_escalated',
          costMicros: 210,
        });
      } else {
        expect(answer).toMatchObject({
          model: 'petite',
          step: 1,
          tried: ['petite'],
          reason: 'cascade_first_step',
          costMicros: 10,
        });
      }
    }
    // Both paths were exercised, or the test proves nothing.
    expect(escalated).toBeGreaterThan(0);
    expect(escalated).toBeLessThan(REQUESTS);
  });

  it('never escalates past the latency budget, even when the answer is unsure', async () => {
    const answers = [];
    for (let index = 0; index < REQUESTS; index += 1) {
      // 20 ms fits the small model (2 ms) but never the large one (40 ms).
      answers.push(
        await inferFeatures(system.oip, 'cascade', featureRow(index), {
          parameters: { sla_ms: { int64_param: 20 } },
        }),
      );
    }
    const unsure = answers.filter((answer) => (answer.confidences[0] ?? 1) < THRESHOLD);
    expect(unsure.length).toBeGreaterThan(0);
    for (const answer of answers) expect(answer).toMatchObject({ model: 'petite', tried: ['petite'] });
  });
});
