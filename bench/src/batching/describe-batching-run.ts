import { describeBatching } from './describe-batching.js';
import { ONNX_BATCHING } from './onnx-strategy-specs.js';
import type { BatchingFlags } from './parse-batching-flags.js';
import type { BatchingPlan } from './plan-batching-run.js';
import { MIN_ONNX_SLO_MS, ONNX_SLO_PER_LONE_REQUEST } from './run-onnx-scenario.js';
import type { OnnxCalibration } from './run-onnx-scenario.js';
import { STEPWISE_TIMING, stepwiseBatching } from './stepwise-strategy-specs.js';

/** How the hardware is shared: the same for every strategy. */
const HARDWARE =
  'one worker process serves every strategy’s model (WORKER_ONNX_THREADS=1: one intra-op thread per batch; ' +
  'one batch at a time per model); strategies are measured one after another';

function millions(count: number): string {
  return `${(count / 1e6).toFixed(1)} M`;
}

/** The headings above each table and the setup results.json records under `run`. */
export function describeBatchingRun(
  flags: BatchingFlags,
  plan: BatchingPlan,
  onnx: { readonly calibration: OnnxCalibration; readonly sloMs: number } | undefined,
) {
  const calibration = onnx?.calibration;
  const model = plan.onnx?.model;
  const onnxHeading =
    model === undefined || calibration === undefined
      ? ''
      : `ONNX: untrained MLP ${flags.onnxLayers.join('→')} (${millions(model.parameterCount)} parameters, ` +
        `${(model.sizeBytes / 1e6).toFixed(0)} MB), batch-1 run ${calibration.batch1ExecuteMs.toFixed(2)} ms ` +
        `(worker telemetry), lone request ${calibration.unloadedLatencyMs.toFixed(2)} ms; Poisson arrivals, ` +
        `${flags.onnxWindowSeconds} s probes; SLO P99 ≤ ${onnx?.sloMs} ms` +
        (flags.onnxSloMs === undefined
          ? ` (${ONNX_SLO_PER_LONE_REQUEST}× the lone request, ≥ ${MIN_ONNX_SLO_MS} ms)`
          : '');
  const stepwise = plan.stepwise;
  const stepwiseHeading =
    stepwise === undefined
      ? ''
      : `step-wise LLM (7B-class timing, ${flags.speedup}× speed): trace arrivals and sizes from request ` +
        `${stepwise.startIndex} of ${flags.trace.split('/').at(-1)}, ${flags.stepwiseWindowSeconds} s probes ` +
        `(${flags.stepwiseWindowSeconds * flags.speedup} s simulated); SLO P99 ≤ ${stepwise.sloMs} ms ` +
        `(requests alone: P99 ${stepwise.aloneP99Ms.toFixed(0)} ms); rates and latencies in simulated time`;
  return {
    headings: { onnx: onnxHeading, stepwise: stepwiseHeading },
    run: {
      hardware: HARDWARE,
      warm_up: 'first fifth of each probe not measured',
      bisections: flags.bisections,
      seed: flags.seed,
      onnx:
        model === undefined
          ? undefined
          : {
              layers: flags.onnxLayers,
              parameters: model.parameterCount,
              size_bytes: model.sizeBytes,
              batch_1_execute_ms: calibration?.batch1ExecuteMs,
              lone_request_ms: calibration?.unloadedLatencyMs,
              arrivals: 'Poisson',
              window_s: flags.onnxWindowSeconds,
              batching: Object.fromEntries(
                flags.onnxStrategies.map((strategy) => [strategy, describeBatching(ONNX_BATCHING[strategy])]),
              ),
            },
      stepwise:
        stepwise === undefined
          ? undefined
          : {
              trace: flags.trace,
              start_index: stepwise.startIndex,
              speedup: flags.speedup,
              time: 'simulated (wall clock × speedup)',
              window_s: flags.stepwiseWindowSeconds,
              timing: STEPWISE_TIMING,
              alone_p99_ms: stepwise.aloneP99Ms,
              batching: Object.fromEntries(
                flags.stepwiseStrategies.map((strategy) => [
                  strategy,
                  describeBatching(stepwiseBatching(strategy, flags.sequences)),
                ]),
              ),
            },
    },
  };
}
