import { describe, expect, it } from 'vitest';
import type { CallKind, CallOutcome, RequestHistory } from './call-outcome.js';
import { quantile, tallyScenario } from './tally-scenario.js';
import type { SystemView } from './tally-scenario.js';

function call(kind: CallKind, startedMs = 0, latencyMs = 10): CallOutcome {
  return { kind, code: kind === 'result' ? 0 : 14, message: '', retryInfo: false, startedMs, latencyMs };
}

function history(requestId: string, ...calls: CallOutcome[]): RequestHistory {
  return { requestId, calls };
}

function view(options: Partial<SystemView> = {}): SystemView {
  return { queued: new Set(), executions: new Map(), deadLetters: new Map(), ...options };
}

describe('tallyScenario', () => {
  it('counts a request answered with a result as accepted and answered', () => {
    const figures = tallyScenario([history('a', call('result'))], view({ queued: new Set(['a']) }));
    expect(figures).toMatchObject({ accepted: 1, answered: 1, lost: 0, refused: 0 });
  });

  it('counts a queued request whose only call hung as lost, naming it', () => {
    const figures = tallyScenario([history('a', call('silent'))], view({ queued: new Set(['a']) }));
    expect(figures).toMatchObject({ accepted: 1, answered: 0, lost: 1, lostIds: ['a'] });
  });

  it('counts a request refused before it was queued as refused, not accepted', () => {
    const figures = tallyScenario([history('a', call('refusal'))], view());
    expect(figures).toMatchObject({ accepted: 0, answered: 0, lost: 0, refused: 1 });
  });

  it('counts a queued request whose call broke and whose retry was answered as answered once', () => {
    const figures = tallyScenario(
      [history('a', call('transport'), call('result', 500))],
      view({ queued: new Set(['a']) }),
    );
    expect(figures).toMatchObject({ accepted: 1, answered: 1, lost: 0, duplicateReplies: 0 });
  });

  it('counts a queued request whose last call broke with no retry left as lost', () => {
    const figures = tallyScenario([history('a', call('transport'))], view({ queued: new Set(['a']) }));
    expect(figures.lost).toBe(1);
  });

  it('counts a second answer to the same request id as a duplicate reply', () => {
    const figures = tallyScenario([history('a', call('result'), call('status'))], view());
    expect(figures.duplicateReplies).toBe(1);
  });

  it('counts executions beyond the first per request id as duplicate executions', () => {
    const executions = new Map([
      ['a', 3],
      ['b', 1],
    ]);
    const figures = tallyScenario(
      [history('a', call('result')), history('b', call('result'))],
      view({ executions }),
    );
    expect(figures.duplicateExecutions).toBe(2);
  });

  it('sums dead-letter records over request ids', () => {
    const figures = tallyScenario(
      [],
      view({
        deadLetters: new Map([
          ['a', 1],
          ['b', 2],
        ]),
      }),
    );
    expect(figures.deadLetters).toBe(3);
  });

  it('measures P99 from the first call to the answer, retries included', () => {
    const histories = Array.from({ length: 100 }, (_, index) =>
      history(`r${index}`, call('transport', 0, 5), call('result', 100, index === 99 ? 900 : 10)),
    );
    expect(tallyScenario(histories, view()).p99Ms).toBe(110);
  });
});

describe('quantile', () => {
  it('takes the nearest rank and leaves its input unsorted', () => {
    const values = [5, 1, 4, 2, 3];
    expect(quantile(values, 0.5)).toBe(3);
    expect(quantile(values, 1)).toBe(5);
    expect(values).toEqual([5, 1, 4, 2, 3]);
  });

  it('is 0 for no values', () => {
    expect(quantile([], 0.99)).toBe(0);
  });
});
