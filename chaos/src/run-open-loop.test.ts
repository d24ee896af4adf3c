import { describe, expect, it } from 'vitest';
import { runOpenLoop } from './run-open-loop.js';

describe('runOpenLoop', () => {
  it('sends rate × duration requests, in index order, and waits for every answer', async () => {
    const sent: number[] = [];
    const answers = await runOpenLoop({ ratePerSecond: 200, durationMs: 100 }, async (index) => {
      sent.push(index);
      await new Promise((resolve) => setTimeout(resolve, 20));
      return index * 2;
    });
    expect(sent).toEqual(Array.from({ length: 20 }, (_, index) => index));
    expect(answers).toEqual(sent.map((index) => index * 2));
  });

  it('does not wait for an answer before sending the next request', async () => {
    let inFlight = 0;
    let mostInFlight = 0;
    await runOpenLoop({ ratePerSecond: 500, durationMs: 40 }, async () => {
      inFlight += 1;
      mostInFlight = Math.max(mostInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 100));
      inFlight -= 1;
    });
    expect(mostInFlight).toBe(20);
  });

  it('stops sending once told to', async () => {
    let sent = 0;
    await runOpenLoop({ ratePerSecond: 1000, durationMs: 1_000, shouldStop: () => sent >= 5 }, async () => {
      sent += 1;
    });
    expect(sent).toBe(5);
  });
});
