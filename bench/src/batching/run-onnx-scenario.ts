import { performance } from 'node:perf_hooks';
import { create } from '@bufbuild/protobuf';
import type { GrpcClient } from '@switchboard/grpc';
import type { RandomMlpModel } from '@switchboard/models';
import { ModelInferRequestSchema } from '@switchboard/protocol';
import type { GRPCInferenceService, ModelInferRequest } from '@switchboard/protocol';
import { reportProgress } from '../shared/report-progress.js';
import { createSeededRandom } from '../shared/seeded-random.js';
import type { OnnxStrategy } from './batching-strategies.js';
import { createPoissonOffsets } from './create-poisson-offsets.js';
import { percentileOf } from './summarise-probe.js';
import { probeWindowMs, runProbe } from './run-probe.js';
import type { ProbePoint, ProbeTarget } from './run-probe.js';
import { searchMaxRate } from './search-max-rate.js';
import type { RateSearchResult } from './search-max-rate.js';

/** The bar: below it the request path, not the model, would be measured. */
const MIN_BATCH_1_EXECUTE_MS = 5;
/** Sequential calls that time the model alone; the first few are dropped as warm-up. */
const CALIBRATION_CALLS = 40;
const CALIBRATION_WARM_UP_CALLS = 5;
/** Rates are searched from this share of batch-1's serial capacity (1 / execute time) up or down... */
const START_SHARE: Readonly<Record<OnnxStrategy, number>> = { 'batch-1': 0.5, static: 2, dynamic: 2 };
/**
 * ...and never below or above these multiples of it. Low: when other programs keep the cores busy,
 * batch-1's tail leaves the SLO far below its capacity (a run at 00:42 failed at a quarter of it).
 */
const MIN_SHARE = 1 / 16;
const MAX_SHARE = 64;
/** The ONNX SLO by default: this many times a lone request's latency... */
export const ONNX_SLO_PER_LONE_REQUEST = 5;
/** ...but never under this, ms: what the multiple gives on a quiet machine. */
export const MIN_ONNX_SLO_MS = 50;

/**
 * The default P99 SLO of the ONNX model: {@link ONNX_SLO_PER_LONE_REQUEST} × a lone request's
 * latency through the system, rounded up to 10 ms, at least {@link MIN_ONNX_SLO_MS}. On a machine
 * other programs keep busy every latency stretches, and a fixed bound would leave no strategy a rate
 * to compare; like the step-wise SLO, it is a multiple of the latency alone.
 */
export function defaultOnnxSloMs(loneRequestMs: number): number {
  return Math.max(MIN_ONNX_SLO_MS, Math.ceil((ONNX_SLO_PER_LONE_REQUEST * loneRequestMs) / 10) * 10);
}

/** A call's deadline as a multiple of the SLO: a late answer is still measured, a lost one ends. */
export const ONNX_DEADLINE_PER_SLO = 4;

/** What the batch-1 model costs alone, measured through the running system. */
export interface OnnxCalibration {
  /** Median execute time of a batch of one, from the worker's batch telemetry, ms. */
  readonly batch1ExecuteMs: number;
  /** Median latency of a lone request through router, queue and worker, ms. */
  readonly unloadedLatencyMs: number;
}

/** The ModelInfer request every ONNX probe sends: one row of seeded random features. */
export function createOnnxRequest(modelName: string, model: RandomMlpModel): ModelInferRequest {
  const random = createSeededRandom(1);
  const features = Float32Array.from({ length: model.inputSize }, () => random() * 2 - 1);
  return create(ModelInferRequestSchema, {
    modelName,
    inputs: [{ name: model.inputName, datatype: 'FP32', shape: [1n, BigInt(model.inputSize)] }],
    rawInputContents: [new Uint8Array(features.buffer)],
  });
}

/**
 * Times the model alone: sequential requests to the batch-1 model, the worker's execute time of
 * each batch from its telemetry and the latency the client saw.
 * @throws Error when a batch-1 run takes under {@link MIN_BATCH_1_EXECUTE_MS}: then the request
 *   path, not the model, would dominate what the benchmark measures.
 */
export async function calibrateOnnx(
  client: GrpcClient<typeof GRPCInferenceService>,
  request: ModelInferRequest,
  target: Pick<ProbeTarget, 'telemetry'>,
): Promise<OnnxCalibration> {
  const latenciesMs: number[] = [];
  const fromUnixMs = Date.now();
  for (let call = 0; call < CALIBRATION_CALLS; call += 1) {
    const startedAt = performance.now();
    await client.modelInfer(request, { timeoutMs: 10_000 });
    if (call >= CALIBRATION_WARM_UP_CALLS) latenciesMs.push(performance.now() - startedAt);
  }
  // The batch record is published after the answer; give the last one a moment to arrive.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const executeMs = target.telemetry
    .samplesOf(request.modelName, fromUnixMs)
    .slice(CALIBRATION_WARM_UP_CALLS)
    .map((sample) => sample.executeUs / 1_000)
    .sort((left, right) => left - right);
  const calibration = {
    batch1ExecuteMs: percentileOf(executeMs, 0.5),
    unloadedLatencyMs: percentileOf(
      latenciesMs.sort((left, right) => left - right),
      0.5,
    ),
  };
  if (!(calibration.batch1ExecuteMs >= MIN_BATCH_1_EXECUTE_MS)) {
    throw new Error(
      `a batch-1 run of the generated MLP took ${calibration.batch1ExecuteMs.toFixed(2)} ms (median of ` +
        `${executeMs.length} runs, worker telemetry); it must take >= ${MIN_BATCH_1_EXECUTE_MS} ms so the model, ` +
        'not the request path, dominates: give wider layers (e.g. --onnx-layers 1024,6144,6144,6144,1000)',
    );
  }
  return calibration;
}

/** Options of {@link searchOnnxStrategy}. */
export interface OnnxSearchOptions {
  readonly strategy: OnnxStrategy;
  readonly target: ProbeTarget;
  readonly client: GrpcClient<typeof GRPCInferenceService>;
  readonly request: ModelInferRequest;
  readonly calibration: OnnxCalibration;
  readonly bisections: number;
  readonly seed: number;
}

/**
 * Finds the highest Poisson arrival rate at which the strategy's P99 stays within the SLO, starting
 * from a share of batch-1's serial capacity (1 / its execute time).
 */
export async function searchOnnxStrategy(options: OnnxSearchOptions): Promise<RateSearchResult<ProbePoint>> {
  const { target, client, request, strategy } = options;
  const serialRps = 1_000 / options.calibration.batch1ExecuteMs;
  const timeoutMs = target.sloMs * ONNX_DEADLINE_PER_SLO;
  reportProgress(`onnx ${strategy}: searching from ${(serialRps * START_SHARE[strategy]).toFixed(0)}/s`);
  return searchMaxRate({
    startRps: serialRps * START_SHARE[strategy],
    minRps: serialRps * MIN_SHARE,
    maxRps: serialRps * MAX_SHARE,
    bisections: options.bisections,
    probe: (rps) => {
      const windowMs = probeWindowMs(target.windowMs, rps);
      return runProbe(
        target,
        {
          windowMs,
          offsetsMs: createPoissonOffsets(rps, windowMs, createSeededRandom(options.seed)),
          send: () => client.modelInfer(request, { timeoutMs }),
        },
        rps,
      );
    },
  });
}
