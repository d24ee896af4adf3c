import type { RequestHistory } from './call-outcome.js';

/** What the system did with requests, from outside the client: read off NATS by the reply tap. */
export interface SystemView {
  /** Request ids whose job reached the work queue. */
  readonly queued: ReadonlySet<string>;
  /** Successful executions published by workers, per request id (several when a job ran more than once). */
  readonly executions: ReadonlyMap<string, number>;
  /** Dead-letter records, per request id. */
  readonly deadLetters: ReadonlyMap<string, number>;
}

/** The figures of one scenario's traffic, as the table shows them. */
export interface TrafficFigures {
  /** Requests the system took on: queued, or answered. */
  readonly accepted: number;
  /** Accepted requests that got an answer: a result, a status with a message, or a refusal. */
  readonly answered: number;
  /** Accepted requests that never got an answer (a hang, or a broken call never answered on retry). */
  readonly lost: number;
  /** Answers beyond the first that a client received for one request id. */
  readonly duplicateReplies: number;
  /** Successful executions beyond the first per accepted request id. */
  readonly duplicateExecutions: number;
  readonly deadLetters: number;
  /** Requests refused without being accepted (never queued, last call a refusal). */
  readonly refused: number;
  /** 99th percentile of first call to answer, over accepted requests answered with a result or a status; ms. */
  readonly p99Ms: number;
  /** The request ids lost, for the report (at most a handful). */
  readonly lostIds: readonly string[];
}

const REPLY_KINDS = new Set(['result', 'status']);
const SHOWN_LOST_IDS = 5;

/**
 * The value at quantile `q` (0–1) of `values`, nearest rank; 0 for no values.
 * @param values any order; not modified.
 */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1] ?? 0;
}

/** Time from a request's first call to the end of its last, ms. */
function endToEndMs(history: RequestHistory): number {
  const first = history.calls[0];
  const last = history.calls.at(-1);
  return first === undefined || last === undefined ? 0 : last.startedMs + last.latencyMs - first.startedMs;
}

/**
 * Counts one scenario's traffic. A request is accepted when its job was queued or it got an answer;
 * it is answered when a call got a result or a status, or when its last call was a refusal (the
 * system said "not done, retry" and the client stopped there); otherwise it is lost.
 */
export function tallyScenario(histories: readonly RequestHistory[], system: SystemView): TrafficFigures {
  let accepted = 0;
  let answered = 0;
  let duplicateReplies = 0;
  let duplicateExecutions = 0;
  let refused = 0;
  const lostIds: string[] = [];
  const latencies: number[] = [];
  for (const history of histories) {
    const replies = history.calls.filter((call) => REPLY_KINDS.has(call.kind)).length;
    const lastKind = history.calls.at(-1)?.kind;
    const isAccepted = system.queued.has(history.requestId) || replies > 0;
    if (!isAccepted) {
      if (lastKind === 'refusal') refused += 1;
      continue;
    }
    accepted += 1;
    duplicateReplies += Math.max(0, replies - 1);
    duplicateExecutions += Math.max(0, (system.executions.get(history.requestId) ?? 0) - 1);
    if (replies > 0 || lastKind === 'refusal') answered += 1;
    else lostIds.push(history.requestId);
    if (replies > 0) latencies.push(endToEndMs(history));
  }
  const deadLetters = [...system.deadLetters.values()].reduce((sum, count) => sum + count, 0);
  return {
    accepted,
    answered,
    lost: lostIds.length,
    duplicateReplies,
    duplicateExecutions,
    deadLetters,
    refused,
    p99Ms: quantile(latencies, 0.99),
    lostIds: lostIds.slice(0, SHOWN_LOST_IDS),
  };
}
