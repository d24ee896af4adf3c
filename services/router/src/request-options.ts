import { InvalidArgumentError } from '@switchboard/errors';
import type { Priority } from '@switchboard/nats';
import { toPriority } from '@switchboard/nats';
import type { InferParameter, ModelInferRequest } from '@switchboard/protocol';
import { readNumberParameter, readWholeNumberParameter } from './request-parameters.js';
import type { TierSettings } from './config.js';

/** Where a request's latency budget came from. */
export type BudgetSource = 'deadline' | 'sla_ms' | 'tier';

/** Scheduling options and constraints of one request. */
export interface RequestOptions {
  priority: Priority;
  /** The hard limit: after it the request is answered DEADLINE_EXCEEDED. */
  deadlineUnixMs: number;
  /** The latency the chosen model must be predicted to meet, in milliseconds. */
  budgetMs: number;
  budgetSource: BudgetSource;
  /** Highest acceptable cost, in millionths of a US dollar; undefined when uncapped. */
  maxCostMicros: number | undefined;
  /** Lowest acceptable expected quality, in [0, 1]. */
  minQuality: number;
}

/** The router's deadline settings. */
export interface RequestTimeouts {
  /** Deadline of requests that set none (`ROUTER_DEFAULT_TIMEOUT`). */
  defaultMs: number;
  /**
   * The longest deadline a request gets (`ROUTER_MAX_DEADLINE`): longer gRPC deadlines, `timeout`
   * and `sla_ms` values are clamped to it, not refused, because gRPC libraries set generous
   * deadlines by default and a client should not fail for asking too much time.
   */
  maxMs: number;
}

const MICROS_PER_DOLLAR = 1_000_000;

function readMinQuality(parameters: Record<string, InferParameter>): number {
  const minQuality = readNumberParameter(parameters, 'min_quality') ?? 0;
  if (minQuality > 1)
    throw new InvalidArgumentError(`parameter "min_quality" must be in [0, 1], got ${minQuality}`);
  return minQuality;
}

/**
 * Reads a request's scheduling options: Triton's `priority` and `timeout` (microseconds) parameters,
 * the gRPC deadline, and Switchboard's `sla_ms`, `max_cost` (US dollars) and `min_quality` ([0, 1]).
 *
 * The deadline is the earliest of the gRPC deadline and `timeout`; with neither, the router's default
 * timeout; never further than `timeouts.maxMs` from now. The latency budget is the time to that deadline when the client set one, tightened by
 * `sla_ms` when sent; with neither, the tier's default. A budget is a target the selection plans
 * for; the deadline is a limit the answer must meet.
 * @throws InvalidArgumentError when a parameter has the wrong type or is out of range.
 */
export function readRequestOptions(
  request: ModelInferRequest,
  grpcDeadline: Date | number,
  timeouts: RequestTimeouts,
  tier: TierSettings,
  nowMs = Date.now(),
): RequestOptions {
  const { parameters } = request;
  const timeoutUs = readWholeNumberParameter(parameters, 'timeout');
  const candidates = [grpcDeadline instanceof Date ? grpcDeadline.getTime() : grpcDeadline];
  if (timeoutUs !== undefined && timeoutUs > 0n) candidates.push(nowMs + Number(timeoutUs) / 1000);
  const earliest = Math.min(...candidates);
  const clientSetDeadline = Number.isFinite(earliest);
  const slaMs = readNumberParameter(parameters, 'sla_ms');
  if (slaMs === 0) throw new InvalidArgumentError('parameter "sla_ms" must be > 0');
  const budgets: Array<[number, BudgetSource]> = [];
  if (clientSetDeadline) budgets.push([earliest - nowMs, 'deadline']);
  if (slaMs !== undefined) budgets.push([slaMs, 'sla_ms']);
  const [wantedBudgetMs, budgetSource] = budgets.reduce<[number, BudgetSource]>(
    (tightest, budget) => (budget[0] < tightest[0] ? budget : tightest),
    budgets[0] ?? [tier.slaMs, 'tier'],
  );
  const budgetMs = Math.min(wantedBudgetMs, timeouts.maxMs);
  const wantedDeadline = clientSetDeadline ? earliest : nowMs + Math.max(timeouts.defaultMs, budgetMs);
  const maxCostDollars = readNumberParameter(parameters, 'max_cost');
  return {
    priority: toPriority(readWholeNumberParameter(parameters, 'priority')),
    deadlineUnixMs: Math.min(wantedDeadline, nowMs + timeouts.maxMs),
    budgetMs,
    budgetSource,
    maxCostMicros: maxCostDollars === undefined ? undefined : maxCostDollars * MICROS_PER_DOLLAR,
    minQuality: Math.max(readMinQuality(parameters), tier.minQuality),
  };
}
