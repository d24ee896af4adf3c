import { describe, expect, it } from 'vitest';
import { aloneLatencyMs, defaultStepwiseSloMs, serialCapacityPerSecond } from './stepwise-cost-model.js';
import { STEPWISE_TIMING } from './stepwise-strategy-specs.js';

const { ttftMs, prefillUsPerToken, decodeMsPerStep, decodeUsPerSequence } = STEPWISE_TIMING;
const perTokenMs = decodeMsPerStep + decodeUsPerSequence / 1_000;

describe('aloneLatencyMs', () => {
  it('adds the admission, the prefill of every input token and one lone decode step per output token', () => {
    expect(aloneLatencyMs({ promptTokens: 1_000, outputTokens: 200 })).toBeCloseTo(
      ttftMs + 1_000 * (prefillUsPerToken / 1_000) + 200 * perTokenMs,
      6,
    );
  });
});

describe('defaultStepwiseSloMs', () => {
  it('is 2.5 times the P99 latency alone, to the second', () => {
    // 99 short requests and one long one: the P99 is the 99th, a short one.
    const trace = Array.from({ length: 100 }, (_, index) => ({
      offsetMs: index,
      promptTokens: 0,
      outputTokens: index === 99 ? 5_000 : 400,
    }));
    const shortMs = aloneLatencyMs({ promptTokens: 0, outputTokens: 400 });
    expect(defaultStepwiseSloMs(trace)).toBe(Math.round((2.5 * shortMs) / 1_000) * 1_000);
  });
});

describe('serialCapacityPerSecond', () => {
  it('serves one over the mean latency alone per second', () => {
    const trace = [
      { offsetMs: 0, promptTokens: 0, outputTokens: 100 },
      { offsetMs: 1, promptTokens: 0, outputTokens: 300 },
    ];
    expect(serialCapacityPerSecond(trace)).toBeCloseTo(1_000 / (ttftMs + 200 * perTokenMs), 9);
  });
});
