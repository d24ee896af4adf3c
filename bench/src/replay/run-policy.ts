import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { status } from '@grpc/grpc-js';
import type { GrpcClient } from '@switchboard/grpc';
import type { GRPCInferenceService } from '@switchboard/protocol';
import type { LoadRecorder } from '../shared/load-recorder.js';
import type { ReplicaTimeline } from '../shared/replica-timeline.js';
import { readLlmAnswer, toLlmInferRequest } from '../shared/llm-infer-request.js';
import { readSwitchboardFacts } from '../shared/read-switchboard-facts.js';
import { reportProgress } from '../shared/report-progress.js';
import type { ReplayRequest } from './create-replay-workload.js';
import type { ChooseTarget } from './policies.js';
import type { LoadSample, PolicyName, RequestOutcome } from './replay-results.js';

/** How often a running policy says how far it got, and samples the load, in wall-clock ms. */
const PROGRESS_INTERVAL_MS = 5_000;
const SAMPLE_INTERVAL_MS = 1_000;

/** What one policy's run needs. */
export interface PolicyRunOptions {
  readonly client: GrpcClient<typeof GRPCInferenceService>;
  readonly policy: PolicyName;
  readonly choose: ChooseTarget;
  readonly workload: readonly ReplayRequest[];
  /** Requests sent to each model and not answered yet; the least-loaded policy reads it. */
  readonly inFlight: Map<string, number>;
  /** The replay clock runs this many times faster than trace time: arrivals, model time and budgets. */
  readonly speedup: number;
  /** Arrival rate multiplier: offsets are divided by it (1 = the trace's own rate). */
  readonly load: number;
  readonly loadRecorder: LoadRecorder;
  /** Replicas held per model, from the workers' heartbeats. */
  readonly replicas: ReplicaTimeline;
}

/** A policy's run: every request's outcome, the load timeline and how long it took in trace time. */
export interface PolicyRun {
  readonly outcomes: RequestOutcome[];
  readonly samples: LoadSample[];
  /** From the first send to the last answer, ms of trace time. */
  readonly durationMs: number;
}

async function sendOne(
  options: PolicyRunOptions,
  request: ReplayRequest,
  sentAtMs: number,
  runId: string,
): Promise<RequestOutcome> {
  const target = options.choose(request);
  const { inFlight, speedup } = options;
  inFlight.set(target, (inFlight.get(target) ?? 0) + 1);
  const startedAt = performance.now();
  const base = { policy: options.policy, sentAtMs, tier: request.tier.name, task: request.prompt.task };
  try {
    const llmRequest = {
      target,
      // Unique per run: the same request sent again within the router's dedup window (another policy,
      // or a capacity probe at another load) would be answered from its result cache, not run.
      id: `replay-${runId}-${request.index}`,
      prompt: request.prompt.prompt,
      promptTokens: request.promptTokens,
      outputTokens: request.outputTokens,
    };
    const response = await options.client.modelInfer(toLlmInferRequest(llmRequest), {
      timeoutMs: request.tier.budgetMs / speedup,
    });
    const latencyMs = (performance.now() - startedAt) * speedup;
    const answer = readLlmAnswer(response);
    const { model, reason } = readSwitchboardFacts(response);
    return {
      ...base,
      latencyMs,
      code: 0,
      withinSlo: latencyMs <= request.tier.budgetMs,
      model,
      reason,
      ...answer,
    };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const latencyMs = (performance.now() - startedAt) * speedup;
    return {
      ...base,
      latencyMs,
      code: typeof code === 'number' && code !== 0 ? code : status.UNKNOWN,
      withinSlo: false,
      model: '',
      reason: '',
      correct: false,
      costUsd: 0,
    };
  } finally {
    inFlight.set(target, (inFlight.get(target) ?? 1) - 1);
  }
}

/**
 * Sends the workload open loop — each request at its (compressed) arrival time, whether or not
 * earlier ones were answered — with its tier's budget as the gRPC deadline, then waits for every
 * answer. Reports progress every 5 s and samples arrivals, the monitor's queue depth and the replicas
 * the heartbeats show every second.
 */
export async function runPolicy(options: PolicyRunOptions): Promise<PolicyRun> {
  const { workload, speedup, load } = options;
  const runId = `${options.policy}-${randomUUID().slice(0, 8)}`;
  const toWallMs = (traceMs: number) => traceMs / load / speedup;
  const startedAt = performance.now();
  const samples: LoadSample[] = [];
  let sent = 0;
  let answered = 0;
  let sentAtLastSample = 0;
  const sampler = setInterval(() => {
    const atMs = (performance.now() - startedAt) * speedup;
    const arrivalsPerSecond = ((sent - sentAtLastSample) * 1_000) / (SAMPLE_INTERVAL_MS * speedup);
    sentAtLastSample = sent;
    const replicas = [...options.replicas.replicasAt(Date.now()).values()].reduce(
      (sum, count) => sum + count,
      0,
    );
    const { queueDepth } = options.loadRecorder.latest;
    samples.push({ policy: options.policy, atMs, arrivalsPerSecond, queueDepth, replicas });
  }, SAMPLE_INTERVAL_MS);
  const progress = setInterval(() => {
    const elapsedS = ((performance.now() - startedAt) / 1_000).toFixed(0);
    reportProgress(
      `  ${options.policy}: sent ${sent}/${workload.length}, answered ${answered}, ${elapsedS} s`,
    );
  }, PROGRESS_INTERVAL_MS);
  try {
    const pending: Promise<RequestOutcome>[] = [];
    for (const request of workload) {
      const waitMs = startedAt + toWallMs(request.offsetMs) - performance.now();
      // Timers fire about a millisecond late at best; sending a little early costs nothing.
      if (waitMs > 1) await sleep(waitMs);
      sent += 1;
      const sentAtMs = (performance.now() - startedAt) * speedup;
      pending.push(
        sendOne(options, request, sentAtMs, runId).then((outcome) => {
          answered += 1;
          return outcome;
        }),
      );
    }
    const outcomes = await Promise.all(pending);
    return { outcomes, samples, durationMs: (performance.now() - startedAt) * speedup };
  } finally {
    clearInterval(sampler);
    clearInterval(progress);
  }
}
