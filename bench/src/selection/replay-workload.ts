import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { status } from '@grpc/grpc-js';
import type { GrpcCallError, GrpcClient } from '@switchboard/grpc';
import type { GRPCInferenceService, ModelInferRequest } from '@switchboard/protocol';
import { HARD_DEADLINE_FACTOR } from './create-workload.js';
import type { WorkloadRequest } from './create-workload.js';
import type { Tier } from './model-zoo.js';
import type { TenantKeys } from './provision-zoo.js';
import { readSwitchboardFacts } from '../shared/read-switchboard-facts.js';

/** The router's OIP client. */
export type InferenceClient = GrpcClient<typeof GRPCInferenceService>;

/** How one request of the replay ended. */
export interface RequestOutcome {
  /** From the call to the answer or the error, in milliseconds. */
  readonly latencyMs: number;
  /** gRPC status code; 0 when answered. */
  readonly statusCode: number;
  /** The model that answered; undefined on error. */
  readonly model: string | undefined;
  /** Millionths of a US dollar; 0 on error. */
  readonly costMicros: number;
  /** The worker's execution time, milliseconds; 0 on error. */
  readonly executeMs: number;
  /** How much later than scheduled the request was sent, in milliseconds. */
  readonly sendLagMs: number;
  /** The error's message; undefined when answered. */
  readonly errorMessage: string | undefined;
}

/** What {@link replayWorkload} sends, and to whom. */
export interface ReplayOptions {
  readonly client: InferenceClient;
  readonly workload: readonly WorkloadRequest[];
  /** The request of each workload entry (see createInferRequests). */
  readonly requests: readonly ModelInferRequest[];
  /** The model or route each request is sent to. */
  readonly targets: readonly string[];
  readonly keys: TenantKeys;
  /** Only requests scheduled before this many milliseconds are sent (a warm-up). @default all */
  readonly untilMs?: number;
}

function describeError(error: unknown): { statusCode: number; errorMessage: string } {
  const code = (error as Partial<GrpcCallError>).code;
  const message = error instanceof Error ? error.message : String(error);
  return {
    statusCode: typeof code === 'number' && code !== 0 ? code : status.UNKNOWN,
    errorMessage: message,
  };
}

async function sendOne(
  options: ReplayOptions,
  index: number,
  metadata: Record<Tier, Record<string, string>>,
  runId: string,
) {
  const request = options.workload[index] as WorkloadRequest;
  const timeoutMs = request.tightDeadline ? request.budgetMs : request.budgetMs * HARD_DEADLINE_FACTOR;
  const message = {
    ...(options.requests[index] as ModelInferRequest),
    // Unique per replay: the same request sent again within the router's dedup window would be
    // answered from its result cache instead of running.
    id: `${runId}-${index}`,
    modelName: options.targets[index] ?? '',
  };
  const sentAtMs = performance.now();
  try {
    const response = await options.client.modelInfer(message, {
      timeoutMs,
      metadata: metadata[request.tier],
    });
    const facts = readSwitchboardFacts(response);
    return { latencyMs: performance.now() - sentAtMs, statusCode: 0, ...facts, errorMessage: undefined };
  } catch (error) {
    const latencyMs = performance.now() - sentAtMs;
    return { latencyMs, model: undefined, costMicros: 0, executeMs: 0, ...describeError(error) };
  }
}

/**
 * Replays the workload open-loop: each request is sent at its scheduled time whether or not earlier
 * ones were answered, with its tier's API key and its deadline (the tight one, or twice the tier's
 * budget), so the replay ends at most that long after the last send.
 * @returns one outcome per sent request, in workload order.
 */
export async function replayWorkload(options: ReplayOptions): Promise<RequestOutcome[]> {
  const metadata = {
    free: { authorization: `Bearer ${options.keys.free}` },
    standard: { authorization: `Bearer ${options.keys.standard}` },
    premium: { authorization: `Bearer ${options.keys.premium}` },
  };
  const untilMs = options.untilMs ?? Number.POSITIVE_INFINITY;
  const runId = randomUUID().slice(0, 8);
  const startedAtMs = performance.now();
  const inFlight: Promise<RequestOutcome>[] = [];
  for (const [index, request] of options.workload.entries()) {
    if (request.sendAtMs >= untilMs) break;
    const dueAtMs = startedAtMs + request.sendAtMs;
    const waitMs = dueAtMs - performance.now();
    // Timers fire about a millisecond late at best; sending a little early costs nothing.
    if (waitMs > 1) await sleep(waitMs);
    const sendLagMs = Math.max(0, performance.now() - dueAtMs);
    inFlight.push(sendOne(options, index, metadata, runId).then((outcome) => ({ ...outcome, sendLagMs })));
  }
  return Promise.all(inFlight);
}
