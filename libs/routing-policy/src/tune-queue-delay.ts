import { BatchingMode } from '@switchboard/protocol';
import type { BatchingSpec } from '@switchboard/protocol';
import { quantileSorted } from 'simple-statistics';

/** Static batching waits this long for a full batch when the registry sets no delay, so no job waits forever. */
const STATIC_DEFAULT_QUEUE_DELAY_US = 50_000;

/** Fewer requests with a budget than this say too little about the tail: the delay stays. */
const MIN_OBSERVATIONS = 50;
/** The tail is judged by this quantile of latency / budget. */
const TAIL_QUANTILE = 0.95;
/** At or below this p95 ratio there is slack: the delay grows. */
const SLACK_RATIO = 0.5;
/** At or above this p95 ratio the tail is at risk: the delay is cut. */
const AT_RISK_RATIO = 0.8;
/** A share of missed budgets above this puts the tail at risk whatever the p95 says. */
const MAX_MISS_RATE = 0.01;
/** Growth per step with slack: slow, so the tail is watched on the way up. */
const INCREASE_FACTOR = 1.25;
/** The least growth per step, so a delay of 0 can grow at all. */
const MIN_INCREASE_US = 1_000;
/** Cut per step when the tail is at risk: fast, as in AIMD. */
const DECREASE_FACTOR = 0.5;
/** A cut below this goes to 0: a few µs of waiting fill no batch. */
const MIN_NONZERO_DELAY_US = 100;
/** The delay never grows past this multiple of the registry's (or of MIN_INCREASE_US when that is 0). */
const MAX_GROWTH_FACTOR = 4;
/** ... nor past this share of a tight budget (the 5th percentile of the requests' budgets). */
const MAX_BUDGET_SHARE = 0.1;
const TIGHT_BUDGET_QUANTILE = 0.05;
const MAX_UINT32 = 4_294_967_295;

/** One request the model served, as the router's DecisionRecord reports it. */
export interface QueueDelayObservation {
  /** End-to-end latency at the router, µs. */
  readonly latencyUs: number;
  /** The request's latency budget, µs; 0 when it had none (such requests are not counted). */
  readonly budgetUs: number;
  /** Whether the latency exceeded the budget. */
  readonly sloMissed: boolean;
}

/** What {@link tuneQueueDelay} is given about one model. */
export interface QueueDelayTuningInput {
  /** The model's `batching` spec in the registry: the starting point and the bounds. */
  readonly batching: Pick<BatchingSpec, 'mode' | 'maxBatchSize' | 'maxQueueDelayUs'> | undefined;
  /** The delay of the knob in force, µs; undefined when none is (the registry's delay applies). */
  readonly currentDelayUs?: number;
  /**
   * Recent requests the model served. Best only those served since the current delay applied:
   * older ones were shaped by the delay before it.
   */
  readonly observations: readonly QueueDelayObservation[];
}

/** The next delay of a model's batches and why. */
export interface QueueDelayDecision {
  readonly maxQueueDelayUs: number;
  /** Whether it differs from the delay in force; only then is a knob worth publishing. */
  readonly changed: boolean;
  /** For the knob and the logs, e.g. "p95 at 0.31 of budget, 0.0% missed (200 requests): ...". */
  readonly reason: string;
}

/** The delay a model's batches wait without a knob: the registry's, with static batching's default. */
export function registryQueueDelayUs(batching: Pick<BatchingSpec, 'mode' | 'maxQueueDelayUs'>): number {
  if (batching.mode === BatchingMode.STATIC && batching.maxQueueDelayUs === 0) {
    return STATIC_DEFAULT_QUEUE_DELAY_US;
  }
  return batching.maxQueueDelayUs;
}

/**
 * The next max queue delay of a model's batches, tuned toward the latency budgets of its requests.
 * With fewer than 50 budgeted requests the delay stays. Otherwise, with p = the 95th percentile of
 * latency / budget:
 * - tail at risk (p >= 0.8, or more than 1% of budgets missed): the delay halves (below 100 µs: 0);
 * - slack (p <= 0.5): the delay grows by a quarter (at least 1 ms), for fuller batches;
 * - in between: it stays, so the delay does not swing back and forth.
 * It never exceeds a ceiling: 4× the registry's delay (4 ms when that is 0) and 10% of the 5th
 * percentile of the budgets, but always allows the registry's own delay. Growing can thus add at
 * most 0.1 to a request's ratio: from slack it cannot reach the at-risk band by itself.
 * @returns undefined for a model that does not batch (mode NONE, unset, or a batch size of 1).
 */
export function tuneQueueDelay(input: QueueDelayTuningInput): QueueDelayDecision | undefined {
  const { batching, currentDelayUs, observations } = input;
  if (!isBatching(batching)) return undefined;
  const registryUs = registryQueueDelayUs(batching);
  const inForceUs = currentDelayUs ?? registryUs;
  const budgeted = observations.filter(
    (observation) =>
      observation.budgetUs > 0 &&
      Number.isFinite(observation.budgetUs) &&
      Number.isFinite(observation.latencyUs),
  );
  if (budgeted.length < MIN_OBSERVATIONS) {
    const reason = `${budgeted.length} requests with a latency budget, fewer than ${MIN_OBSERVATIONS}: unchanged`;
    return { maxQueueDelayUs: inForceUs, changed: false, reason };
  }
  const tail = describeTail(budgeted);
  const ceilingUs = delayCeilingUs(registryUs, tail.tightBudgetUs);
  const fromUs = Math.min(inForceUs, ceilingUs);
  const summary =
    `p95 at ${tail.p95Ratio.toFixed(2)} of budget, ${(tail.missRate * 100).toFixed(1)}% missed ` +
    `(${budgeted.length} requests)`;
  if (tail.p95Ratio >= AT_RISK_RATIO || tail.missRate > MAX_MISS_RATE) {
    const nextUs = cut(fromUs);
    const why = nextUs < inForceUs ? 'shorter delay' : 'but the delay is already 0';
    return decide(inForceUs, nextUs, `${summary}: tail at risk, ${why}`);
  }
  if (tail.p95Ratio <= SLACK_RATIO) {
    const nextUs = Math.min(ceilingUs, grow(fromUs));
    const why =
      nextUs > fromUs ? 'longer delay for fuller batches' : `slack, but at the ceiling of ${ceilingUs} µs`;
    return decide(inForceUs, nextUs, `${summary}: ${why}`);
  }
  const why = fromUs < inForceUs ? `lowered to the ceiling of ${ceilingUs} µs` : 'within the band, unchanged';
  return decide(inForceUs, fromUs, `${summary}: ${why}`);
}

function isBatching(
  batching: QueueDelayTuningInput['batching'],
): batching is NonNullable<QueueDelayTuningInput['batching']> {
  const batches = batching?.mode === BatchingMode.DYNAMIC || batching?.mode === BatchingMode.STATIC;
  return batches && (batching?.maxBatchSize ?? 0) > 1;
}

interface Tail {
  readonly p95Ratio: number;
  readonly missRate: number;
  readonly tightBudgetUs: number;
}

function describeTail(observations: readonly QueueDelayObservation[]): Tail {
  const ratios = observations.map((observation) => observation.latencyUs / observation.budgetUs);
  const budgets = observations.map((observation) => observation.budgetUs);
  const missed = observations.filter((observation) => observation.sloMissed).length;
  return {
    p95Ratio: quantileSorted(ratios.sort(ascending), TAIL_QUANTILE),
    missRate: missed / observations.length,
    tightBudgetUs: quantileSorted(budgets.sort(ascending), TIGHT_BUDGET_QUANTILE),
  };
}

function delayCeilingUs(registryUs: number, tightBudgetUs: number): number {
  const byRegistry = MAX_GROWTH_FACTOR * Math.max(registryUs, MIN_INCREASE_US);
  const byBudget = MAX_BUDGET_SHARE * tightBudgetUs;
  return Math.min(MAX_UINT32, Math.max(registryUs, Math.floor(Math.min(byRegistry, byBudget))));
}

function cut(delayUs: number): number {
  const nextUs = Math.floor(delayUs * DECREASE_FACTOR);
  return nextUs < MIN_NONZERO_DELAY_US ? 0 : nextUs;
}

function grow(delayUs: number): number {
  return Math.round(Math.max(delayUs * INCREASE_FACTOR, delayUs + MIN_INCREASE_US));
}

function decide(inForceUs: number, nextUs: number, reason: string): QueueDelayDecision {
  const changed = nextUs !== inForceUs;
  return {
    maxQueueDelayUs: nextUs,
    changed,
    reason: changed ? `${reason}, ${inForceUs} → ${nextUs} µs` : reason,
  };
}

function ascending(a: number, b: number): number {
  return a - b;
}
