import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { create } from '@bufbuild/protobuf';
import { status } from '@grpc/grpc-js';
import type { GrpcClient } from '@switchboard/grpc';
import { ModelInferRequestSchema } from '@switchboard/protocol';
import type { GRPCInferenceService } from '@switchboard/protocol';
import { reportProgress } from '../shared/report-progress.js';
import type { ScheduledRequest } from './plan-autoscale-run.js';

/** What happened to one request, in trace time. */
export interface AutoscaleOutcome {
  readonly model: string;
  /** Its scheduled time, trace ms after the measured window's start. */
  readonly atMs: number;
  readonly measured: boolean;
  /** From the call to its end (answer or error), trace ms. */
  readonly latencyMs: number;
  /** gRPC status code: 0 answered. */
  readonly code: number;
}

/** What a replay needs. */
export interface SendOptions {
  readonly client: GrpcClient<typeof GRPCInferenceService>;
  readonly requests: readonly ScheduledRequest[];
  /** Wall-clock time runs this many times faster than trace time. */
  readonly speedup: number;
  /** Every call's deadline, trace ms: long enough that a late answer is measured, not cut off. */
  readonly deadlineMs: number;
  /** Labels the progress lines. */
  readonly label: string;
  /** Called once with the wall-clock time (unix ms) at which the measured window starts. */
  readonly onWindowStart?: (atUnixMs: number) => void;
}

const PROGRESS_INTERVAL_MS = 5_000;
/** The synthetic models read nothing of their input: one shared row of zeros. */
const FEATURES = new Uint8Array(16);

async function sendOne(options: SendOptions, request: ScheduledRequest): Promise<AutoscaleOutcome> {
  const startedAt = performance.now();
  let code = 0;
  try {
    await options.client.modelInfer(
      create(ModelInferRequestSchema, {
        modelName: request.model,
        inputs: [{ name: 'features', datatype: 'FP32', shape: [1n, 4n] }],
        rawInputContents: [FEATURES],
      }),
      { timeoutMs: options.deadlineMs / options.speedup },
    );
  } catch (error) {
    const reported = (error as { code?: unknown }).code;
    code = typeof reported === 'number' && reported !== 0 ? reported : status.UNKNOWN;
  }
  const latencyMs = (performance.now() - startedAt) * options.speedup;
  return { model: request.model, atMs: request.atMs, measured: request.measured, latencyMs, code };
}

/**
 * Sends the requests open loop — each at its (compressed) time, whether or not earlier ones were
 * answered — and waits for every answer. The first request sets the clock: the lead-in starts
 * at once and the measured window `-firstAtMs / speedup` later. Reports progress every 5 s.
 */
export async function sendRequests(options: SendOptions): Promise<AutoscaleOutcome[]> {
  const { requests, speedup } = options;
  const firstAtMs = Math.min(0, requests[0]?.atMs ?? 0);
  const startedAt = performance.now();
  options.onWindowStart?.(Date.now() - firstAtMs / speedup);
  let sent = 0;
  let answered = 0;
  const progress = setInterval(() => {
    const elapsedS = ((performance.now() - startedAt) / 1_000).toFixed(0);
    reportProgress(
      `  ${options.label}: sent ${sent}/${requests.length}, answered ${answered}, ${elapsedS} s`,
    );
  }, PROGRESS_INTERVAL_MS);
  try {
    const pending: Promise<AutoscaleOutcome>[] = [];
    for (const request of requests) {
      const waitMs = startedAt + (request.atMs - firstAtMs) / speedup - performance.now();
      // Timers fire about a millisecond late at best; sending a little early costs nothing.
      if (waitMs > 1) await sleep(waitMs);
      sent += 1;
      pending.push(
        sendOne(options, request).then((outcome) => {
          answered += 1;
          return outcome;
        }),
      );
    }
    return await Promise.all(pending);
  } finally {
    clearInterval(progress);
  }
}
