import { join } from 'node:path';
import { writeRandomMlpModel } from '@switchboard/models';
import type { RandomMlpModel } from '@switchboard/models';
import type { ModelSpec } from '@switchboard/protocol';
import { readTraces } from '../shared/read-trace.js';
import type { TraceArrival } from '../shared/read-trace.js';
import { reportProgress } from '../shared/report-progress.js';
import { createSeededRandom } from '../shared/seeded-random.js';
import { ONNX_STRATEGIES, strategyModelName } from './batching-strategies.js';
import type { OnnxStrategy, StepwiseStrategy } from './batching-strategies.js';
import { toOnnxStrategySpec } from './onnx-strategy-specs.js';
import type { BatchingFlags } from './parse-batching-flags.js';
import { aloneLatencyMs, defaultStepwiseSloMs } from './stepwise-cost-model.js';
import { toStepwiseStrategySpec, writeStepwiseOutcomes } from './stepwise-strategy-specs.js';
import { percentileOf } from './summarise-probe.js';

/** The ONNX scenario's model and the registry name of each strategy's copy. */
export interface OnnxPlan {
  readonly model: RandomMlpModel;
  readonly names: Readonly<Record<OnnxStrategy, string>>;
}

/** The step-wise scenario's trace, where its stretch starts, and each strategy's model name. */
export interface StepwisePlan {
  readonly trace: readonly TraceArrival[];
  readonly startIndex: number;
  readonly names: Readonly<Record<StepwiseStrategy, string>>;
  /** The P99 SLO, ms of simulated time: the flag's, or derived from the trace. */
  readonly sloMs: number;
  /** The P99 latency of the trace's requests served alone, ms of simulated time (cost model). */
  readonly aloneP99Ms: number;
}

/** What a run registers and measures. */
export interface BatchingPlan {
  readonly onnx: OnnxPlan | undefined;
  readonly stepwise: StepwisePlan | undefined;
  readonly specs: readonly ModelSpec[];
}

/**
 * Writes the generated MLP into `directory`. Every ONNX strategy is registered, batch-1 even when
 * not searched: it is what the model is timed with.
 */
async function planOnnx(flags: BatchingFlags, namespace: string, directory: string) {
  reportProgress(`writing an untrained MLP ${flags.onnxLayers.join('→')} (random weights) into ${directory}`);
  const model = await writeRandomMlpModel(join(directory, 'wide-mlp.onnx'), { layerSizes: flags.onnxLayers });
  const names = Object.fromEntries(
    ONNX_STRATEGIES.map((strategy) => [strategy, strategyModelName(namespace, 'onnx', strategy)]),
  ) as Record<OnnxStrategy, string>;
  const specs = ONNX_STRATEGIES.filter(
    (strategy) => strategy === 'batch-1' || flags.onnxStrategies.includes(strategy),
  ).map((strategy) => toOnnxStrategySpec(names[strategy], strategy, model));
  return { plan: { model, names }, specs };
}

/** Reads the trace and writes the outcomes file the simulated LLM answers from. */
async function planStepwise(flags: BatchingFlags, namespace: string, directory: string) {
  const trace = await readTraces([flags.trace]);
  const outcomesFile = await writeStepwiseOutcomes(directory);
  const names = {
    dynamic: strategyModelName(namespace, 'stepwise', 'dynamic'),
    continuous: strategyModelName(namespace, 'stepwise', 'continuous'),
  };
  const specs = flags.stepwiseStrategies.map((strategy) =>
    toStepwiseStrategySpec(names[strategy], strategy, {
      outcomesFile,
      speedup: flags.speedup,
      sequences: flags.sequences,
    }),
  );
  // One stretch for every probe of both strategies, chosen by the seed.
  const startIndex = Math.floor(createSeededRandom(flags.seed, 1)() * trace.length);
  const aloneP99Ms = percentileOf(
    trace.map(aloneLatencyMs).sort((left, right) => left - right),
    0.99,
  );
  const sloMs = flags.stepwiseSloMs ?? defaultStepwiseSloMs(trace);
  return { plan: { trace, startIndex, names, sloMs, aloneP99Ms }, specs };
}

/** Prepares the scenarios the flags ask for: files in `directory` and the registry entries. */
export async function planBatchingRun(
  flags: BatchingFlags,
  namespace: string,
  directory: string,
): Promise<BatchingPlan> {
  const onnx =
    flags.scenarios.includes('onnx') && flags.onnxStrategies.length > 0
      ? await planOnnx(flags, namespace, directory)
      : undefined;
  const stepwise =
    flags.scenarios.includes('stepwise') && flags.stepwiseStrategies.length > 0
      ? await planStepwise(flags, namespace, directory)
      : undefined;
  return {
    onnx: onnx?.plan,
    stepwise: stepwise?.plan,
    specs: [...(onnx?.specs ?? []), ...(stepwise?.specs ?? [])],
  };
}
