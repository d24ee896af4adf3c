import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import {
  readChoiceList,
  readCostWeight,
  readPositiveNumber,
  readShare,
  readWholeNumber,
} from '../shared/read-flag-value.js';
import type { CostWeightChoice } from '../shared/read-flag-value.js';
import { POLICY_NAMES } from './replay-results.js';
import type { PolicyName } from './replay-results.js';
import { collectFileFlags } from '../shared/collect-file-flags.js';

/** The replay benchmark's settings. */
export interface ReplayFlags {
  /** A trace file: Azure LLM inference CSV or JSON Lines. */
  readonly trace: string;
  /** RouterBench-format CSVs of the evaluation prompts (and, without `train`, the training ones too). */
  readonly prompts: readonly string[];
  /** RouterBench-format CSVs the learning policies train on; empty: split `prompts` in half by seed. */
  readonly train: readonly string[];
  /** The replay clock runs this many times faster than trace time. @default 10 */
  readonly speedup: number;
  /** Seconds of trace time replayed. @default 300 */
  readonly durationSeconds: number;
  /** Arrival rate multiplier. @default 1 */
  readonly load: number;
  /** Worker processes, each hosting one replica of every model. @default 8 */
  readonly workers: number;
  readonly seed: number;
  readonly policies: readonly PolicyName[];
  /** Where results.json, report.md and the charts go. */
  readonly out: string;
  /** Also search each policy's capacity (slow). */
  readonly capacity: boolean;
  /** λ of the learned route: fitted on the training rows (auto), or given per US dollar. */
  readonly costWeight: CostWeightChoice;
  /** auto: the learned route's cost target, a share of the dearest model's cost. @default 0.4 */
  readonly costTarget: number;
  readonly help: boolean;
}

/** The shared data folder beside the repository; its files are read in place, never copied in. */
const SHARED_DATA = fileURLToPath(new URL('../../../../shared/data/', import.meta.url));
const DEFAULT_TRACE = `${SHARED_DATA}traces/AzureLLMInferenceTrace_conv.csv`;
const DEFAULT_PROMPTS = ['arc_challenge', 'mbpp', 'winograde'].map(
  (task) => `${SHARED_DATA}routing/routerbench0shot_${task}_train.csv`,
);
const DEFAULT_OUT = fileURLToPath(new URL('../../results/replay', import.meta.url));
/** The routing benchmark's cost target for the optimizer after an import: the bound. */
const DEFAULT_COST_TARGET = 0.4;

export const REPLAY_USAGE = `usage: pnpm bench replay [--trace FILE] [--prompts FILE...] [--train FILE...] [--speedup N]
                        [--duration SECONDS] [--load X] [--workers N] [--seed N] [--policies LIST]
                        [--out DIR] [--capacity] [--cost-weight auto|N] [--cost-target SHARE]
  --trace FILE        arrivals and token counts: an Azure LLM inference CSV (TIMESTAMP,ContextTokens,
                      GeneratedTokens) or JSON Lines ({"timestamp": ms, "input_length", "output_length"})
                      (default: ../shared/data/traces/AzureLLMInferenceTrace_conv.csv)
  --prompts FILE...   RouterBench-format CSVs: the evaluation prompts and every model's recorded
                      correctness and cost (default: the three RouterBench training CSVs in
                      ../shared/data/routing, split in half by seed into training and evaluation rows)
  --train FILE...     RouterBench-format CSVs the policies learn from; then every --prompts row is evaluated
  --speedup N         run the replay clock N times faster than trace time: arrivals, simulated model
                      time and budgets; figures are reported in trace time (default 10)
  --duration SECONDS  seconds of trace time to replay (default 300)
  --load X            multiply the trace's arrival rate by X (default 1)
  --workers N         worker processes, each hosting one replica of every model (default 8)
  --seed N            seed of the prompt and tier draws, the split, the random policy and the λ fit
                      (default 1)
  --policies LIST     which of ${POLICY_NAMES.join(', ')} (default all; ratios need static)
  --out DIR           where results.json, report.md and the charts go (default bench/results/replay)
  --capacity          also find each policy's highest load with >= 99% of requests within SLO (slow)
  --cost-weight auto|N
                      λ of switchboard's learned route in reward per US dollar; auto fits it by
                      cross-validation on the training rows, as pnpm bench routing does (default auto)
  --cost-target SHARE auto: the learned route's cost as a share of the dearest model's, gpt-4's
                      (default 0.4)
Uses NATS_URL / DATABASE_URL when set, else starts throwaway servers from local binaries.`;

/**
 * Parses the command line (without `node` and the script).
 * @throws Error naming the flag when a flag is unknown or its value is malformed.
 */
export function parseReplayFlags(args: readonly string[]): ReplayFlags {
  const { values, tokens } = parseArgs({
    args: [...args],
    options: {
      trace: { type: 'string' },
      prompts: { type: 'string', multiple: true },
      train: { type: 'string', multiple: true },
      speedup: { type: 'string' },
      duration: { type: 'string' },
      load: { type: 'string' },
      workers: { type: 'string' },
      seed: { type: 'string' },
      policies: { type: 'string' },
      out: { type: 'string' },
      capacity: { type: 'boolean' },
      'cost-weight': { type: 'string' },
      'cost-target': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: true,
    tokens: true,
  });
  const files = collectFileFlags(tokens, ['prompts', 'train']);
  return {
    trace: values.trace ?? DEFAULT_TRACE,
    prompts: files.get('prompts') ?? DEFAULT_PROMPTS,
    train: files.get('train') ?? [],
    speedup: readPositiveNumber('speedup', values.speedup, 10),
    durationSeconds: readPositiveNumber('duration', values.duration, 300),
    load: readPositiveNumber('load', values.load, 1),
    workers: readWholeNumber('workers', values.workers, 8),
    seed: readWholeNumber('seed', values.seed, 1),
    policies: readChoiceList('policies', values.policies, POLICY_NAMES),
    out: values.out ?? DEFAULT_OUT,
    capacity: values.capacity ?? false,
    costWeight: readCostWeight(values['cost-weight']),
    costTarget: readShare('cost-target', values['cost-target'], DEFAULT_COST_TARGET),
    help: values.help ?? false,
  };
}
