import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readChoiceList, readPositiveNumber, readWholeNumber } from '../shared/read-flag-value.js';
import { STRATEGIES } from './choose-targets.js';
import type { Strategy } from './choose-targets.js';

/** The selection benchmark's settings. */
export interface SelectionFlags {
  /** Wall-clock seconds of replay per strategy. @default 30 */
  readonly seconds: number;
  /** Trace time runs this many times faster than the replay. @default 12 */
  readonly speedup: number;
  /** Where in the trace the replayed window starts, in seconds of trace time. @default 600 */
  readonly traceStartSeconds: number;
  /** Trace files (Azure LLM inference trace CSVs), merged on their timestamps. @default DEFAULT_TRACES */
  readonly traces: readonly string[];
  /** Unrecorded replay before the strategies run, in wall-clock seconds. @default 3 */
  readonly warmupSeconds: number;
  /** Timed in-process `decide()` calls. @default 20000 */
  readonly decisions: number;
  /** Seed of the workload's mix and of the random strategy. @default 1 */
  readonly seed: number;
  /** Strategies to run, in the standard order. @default all of STRATEGIES */
  readonly strategies: readonly Strategy[];
  /** Where results.json goes. @default bench/results/selection */
  readonly out: string;
  readonly help: boolean;
}

/** The Azure LLM inference trace 2023 (CC-BY-4.0), read where the project keeps it, never copied. */
const DEFAULT_TRACES: readonly string[] = [
  '/work/shared/data/traces/AzureLLMInferenceTrace_code.csv',
  '/work/shared/data/traces/AzureLLMInferenceTrace_conv.csv',
];

const DEFAULT_OUT = fileURLToPath(new URL('../../results/selection', import.meta.url));

/** Usage text for --help and for malformed flags. */
export const SELECTION_USAGE = `usage: pnpm bench selection [--seconds N] [--speedup N] [--trace-start N] [--trace FILE]...
                           [--warmup-seconds N] [--decisions N] [--seed N] [--strategies LIST] [--out DIR]
  --seconds N          wall-clock seconds of replay per strategy (default 30)
  --speedup N          replay the trace N times faster than recorded (default 12)
  --trace-start N      start the replayed window N seconds into the trace (default 600)
  --trace FILE         an Azure LLM inference trace CSV (TIMESTAMP,ContextTokens,GeneratedTokens);
                       repeat to merge several (default: the code and conv traces of 2023 under
                       /work/shared/data/traces); when absent, seeded Poisson arrivals stand in
  --warmup-seconds N   unrecorded replay before the strategies (default 3)
  --decisions N        timed in-process selector decisions of each kind (default 20000)
  --seed N             seed of the workload mix and the random strategy (default 1)
  --strategies LIST    which of static, round-robin, random, switchboard to run, in that order
                       (default all; the ratios need static)
  --out DIR            where results.json goes (default bench/results/selection)
Uses NATS_URL / DATABASE_URL when set, else starts throwaway servers from local binaries.`;

/**
 * Parses the command line (without `node` and the script).
 * @throws Error naming the flag when a flag is unknown or its value is malformed.
 */
export function parseSelectionFlags(args: readonly string[]): SelectionFlags {
  const { values } = parseArgs({
    args: [...args],
    options: {
      seconds: { type: 'string' },
      speedup: { type: 'string' },
      'trace-start': { type: 'string' },
      trace: { type: 'string', multiple: true },
      'warmup-seconds': { type: 'string' },
      decisions: { type: 'string' },
      seed: { type: 'string' },
      strategies: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  const traceStart = values['trace-start'];
  const traceStartSeconds = traceStart === '0' ? 0 : readPositiveNumber('trace-start', traceStart, 600);
  return {
    seconds: readPositiveNumber('seconds', values.seconds, 30),
    speedup: readPositiveNumber('speedup', values.speedup, 12),
    traceStartSeconds,
    traces: values.trace ?? DEFAULT_TRACES,
    warmupSeconds: readPositiveNumber('warmup-seconds', values['warmup-seconds'], 3),
    decisions: readWholeNumber('decisions', values.decisions, 20_000),
    seed: readWholeNumber('seed', values.seed, 1),
    strategies: readChoiceList('strategies', values.strategies, STRATEGIES),
    out: values.out ?? DEFAULT_OUT,
    help: values.help === true,
  };
}
