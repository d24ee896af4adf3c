import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readChoiceList, readPositiveNumber, readWholeNumber } from '../shared/read-flag-value.js';
import { ONNX_STRATEGIES, SCENARIOS, STEPWISE_STRATEGIES } from './batching-strategies.js';
import type { OnnxStrategy, Scenario, StepwiseStrategy } from './batching-strategies.js';
import { DEFAULT_ONNX_LAYERS } from './onnx-strategy-specs.js';
import { DEFAULT_STEPWISE_SEQUENCES } from './stepwise-strategy-specs.js';

/** The batching benchmark's settings. */
export interface BatchingFlags {
  readonly scenarios: readonly Scenario[];
  readonly onnxStrategies: readonly OnnxStrategy[];
  readonly stepwiseStrategies: readonly StepwiseStrategy[];
  /** Widths of the generated MLP, input to output. */
  readonly onnxLayers: readonly number[];
  /** P99 SLO of the ONNX model, ms; undefined: 5 × a lone request's latency, at least 50. */
  readonly onnxSloMs: number | undefined;
  /** P99 SLO of the step-wise LLM, ms of simulated time; undefined: 2.5 × the trace's P99 latency alone. */
  readonly stepwiseSloMs: number | undefined;
  /** Wall seconds of each ONNX probe at least (longer where it would measure < 150 requests), its first fifth unmeasured warm-up. @default 8 */
  readonly onnxWindowSeconds: number;
  /** Wall seconds of each step-wise probe at least (as for ONNX), its first fifth unmeasured warm-up. @default 15 */
  readonly stepwiseWindowSeconds: number;
  /** Concurrent sequences of the step-wise LLM under either strategy (max_batch_size). @default 64 */
  readonly sequences: number;
  /** Simulated time of the step-wise LLM runs this many times faster than wall time. @default 10 */
  readonly speedup: number;
  /** Geometric bisections after the rate search found a bracket. @default 3 */
  readonly bisections: number;
  /** Trace file of the step-wise scenario (Azure CSV or JSON Lines). */
  readonly trace: string;
  readonly seed: number;
  readonly out: string;
  readonly help: boolean;
}

const DEFAULT_TRACE = fileURLToPath(
  new URL('../../../../shared/data/traces/AzureLLMInferenceTrace_conv.csv', import.meta.url),
);
const DEFAULT_OUT = fileURLToPath(new URL('../../results/batching', import.meta.url));
const STRATEGY_NAMES = ['batch-1', 'static', 'dynamic', 'continuous'] as const;

export const BATCHING_USAGE = `usage: pnpm bench batching [--scenarios LIST] [--strategies LIST] [--onnx-slo MS] [--stepwise-slo MS]
                          [--window SECONDS] [--stepwise-window SECONDS] [--sequences N] [--speedup N]
                          [--bisections N] [--onnx-layers LIST] [--trace FILE] [--seed N] [--out DIR]
  --scenarios LIST          which of ${SCENARIOS.join(', ')} (default both)
  --strategies LIST         which of ${STRATEGY_NAMES.join(', ')} (default all; dynamic runs in both scenarios)
  --onnx-slo MS             P99 SLO of the ONNX model (default 5 × a lone request's latency measured at the
                            start, rounded up to 10 ms, at least 50)
  --stepwise-slo MS         P99 SLO of the step-wise LLM, simulated ms (default 2.5 × the P99 latency of the
                            trace's requests served alone, to the second: 30000 for the Azure conv trace)
  --window SECONDS          wall seconds of each ONNX probe (default 8); longer where that would measure
                            fewer than 150 requests; the first fifth is warm-up
  --stepwise-window SECONDS wall seconds of each step-wise probe, likewise (default 15)
  --sequences N             concurrent sequences of the step-wise LLM, max_batch_size of both its strategies
                            (default ${DEFAULT_STEPWISE_SEQUENCES}: what an 80 GB GPU's KV cache holds for a 7B model on this trace)
  --speedup N               the step-wise LLM's simulated time runs N times faster than the clock (default 10)
  --bisections N            bisection steps of each rate search after bracketing the limit (default 3)
  --onnx-layers LIST        widths of the generated MLP (default ${DEFAULT_ONNX_LAYERS.join(',')})
  --trace FILE              step-wise arrivals and sizes: an Azure LLM inference CSV or JSON Lines trace
                            (default ../shared/data/traces/AzureLLMInferenceTrace_conv.csv)
  --seed N                  seed of the Poisson arrivals and of the trace stretch (default 1)
  --out DIR                 where results.json and batching.png go (default bench/results/batching)
Uses NATS_URL / DATABASE_URL when set, else starts throwaway servers from local binaries.`;

function readLayers(text: string | undefined): number[] {
  if (text === undefined) return [...DEFAULT_ONNX_LAYERS];
  const sizes = text.split(',').map((part) => Number(part.trim()));
  if (sizes.length < 2 || !sizes.every((size) => Number.isInteger(size) && size >= 1)) {
    throw new Error(
      `--onnx-layers takes two or more whole numbers >= 1, got "${text}" (example: --onnx-layers 1024,4096,1000)`,
    );
  }
  return sizes;
}

/**
 * Parses the command line (without `node` and the script).
 * @throws Error naming the flag when a flag is unknown or its value is malformed.
 */
export function parseBatchingFlags(args: readonly string[]): BatchingFlags {
  const { values } = parseArgs({
    args: [...args],
    options: {
      scenarios: { type: 'string' },
      strategies: { type: 'string' },
      'onnx-slo': { type: 'string' },
      'stepwise-slo': { type: 'string' },
      window: { type: 'string' },
      'stepwise-window': { type: 'string' },
      speedup: { type: 'string' },
      sequences: { type: 'string' },
      bisections: { type: 'string' },
      'onnx-layers': { type: 'string' },
      trace: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  const strategies: readonly string[] = readChoiceList('strategies', values.strategies, STRATEGY_NAMES);
  return {
    scenarios: readChoiceList('scenarios', values.scenarios, SCENARIOS),
    onnxStrategies: ONNX_STRATEGIES.filter((strategy) => strategies.includes(strategy)),
    stepwiseStrategies: STEPWISE_STRATEGIES.filter((strategy) => strategies.includes(strategy)),
    onnxLayers: readLayers(values['onnx-layers']),
    onnxSloMs:
      values['onnx-slo'] === undefined ? undefined : readPositiveNumber('onnx-slo', values['onnx-slo'], 1),
    stepwiseSloMs:
      values['stepwise-slo'] === undefined
        ? undefined
        : readPositiveNumber('stepwise-slo', values['stepwise-slo'], 1),
    onnxWindowSeconds: readPositiveNumber('window', values.window, 8),
    stepwiseWindowSeconds: readPositiveNumber('stepwise-window', values['stepwise-window'], 15),
    speedup: readPositiveNumber('speedup', values.speedup, 10),
    sequences: readWholeNumber('sequences', values.sequences, DEFAULT_STEPWISE_SEQUENCES),
    bisections: values.bisections === '0' ? 0 : readWholeNumber('bisections', values.bisections, 3),
    trace: values.trace ?? DEFAULT_TRACE,
    seed: values.seed === '0' ? 0 : readWholeNumber('seed', values.seed, 1),
    out: values.out ?? DEFAULT_OUT,
    help: values.help ?? false,
  };
}
