import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readCostWeight, readPositiveNumber, readShare, readWholeNumber } from '../shared/read-flag-value.js';
import type { CostWeightChoice } from '../shared/read-flag-value.js';
import { collectFileFlags } from '../shared/collect-file-flags.js';

/** The groups of policies `--policies` chooses from; `always` is one `always-<model>` per model. */
export const POLICY_GROUPS = ['optimizer-offline', 'optimizer-online', 'rules', 'always', 'oracle'] as const;
export type PolicyGroup = (typeof POLICY_GROUPS)[number];

/** The routing benchmark's settings. */
export interface RoutingFlags {
  /** RouterBench-format CSVs the optimizer learns from. */
  readonly train: readonly string[];
  /** RouterBench-format CSVs of the held-out prompts; empty: hold out `holdout` of the training rows. */
  readonly test: readonly string[];
  /** Share of the training rows held out as test prompts when no --test is given. @default 0.2 */
  readonly holdout: number;
  readonly seed: number;
  readonly policies: readonly PolicyGroup[];
  readonly costWeight: CostWeightChoice;
  /** Cost the fitted λ of optimizer-offline aims at, as a share of always-gpt-4's. @default 0.4 */
  readonly costTarget: number;
  /** The same for optimizer-online. @default 0.35 */
  readonly onlineCostTarget: number;
  /** Exploration share of the online route while the training prompts stream. @default 0.5 */
  readonly onlineExploration: number;
  /** Requests in flight while testing. @default 64 */
  readonly concurrency: number;
  /** Requests in flight while the training prompts stream to the online route. @default 8 */
  readonly onlineConcurrency: number;
  /** Simulated model time runs this many times faster than the calibrated timing. @default 10 */
  readonly speedup: number;
  /** Worker processes, each hosting one replica of every model. @default 2 */
  readonly workers: number;
  readonly out: string;
  readonly help: boolean;
}

/** The shared data folder beside the repository; its files are read in place, never copied in. */
const SHARED_DATA = fileURLToPath(new URL('../../../../shared/data/', import.meta.url));
const DEFAULT_TRAIN = ['arc_challenge', 'mbpp', 'winograde'].map(
  (task) => `${SHARED_DATA}routing/routerbench0shot_${task}_train.csv`,
);
const DEFAULT_OUT = fileURLToPath(new URL('../../results/routing', import.meta.url));
/** SetRouteSettings refuses exploration above this. */
const MAX_EXPLORATION = 0.5;

export const ROUTING_USAGE = `usage: pnpm bench routing [--train FILE...] [--test FILE...] [--holdout SHARE] [--seed N]
                         [--policies LIST] [--cost-weight auto|N] [--cost-target SHARE]
                         [--online-cost-target SHARE] [--online-exploration SHARE] [--concurrency N]
                         [--online-concurrency N] [--speedup N] [--workers N] [--out DIR]
  --train FILE...            RouterBench-format CSVs the optimizer learns from (default: the three
                             CSVs in ../shared/data/routing)
  --test FILE...             RouterBench-format CSVs of the held-out prompts; their prompts are dropped
                             from the training rows (default: hold out --holdout of the training rows)
  --holdout SHARE            share of the training prompts held out, chosen by a seeded hash of the
                             prompt, when no --test is given (default 0.2)
  --seed N                   seed of the hold-out hash, the λ fit's folds and training (default 1)
  --policies LIST            which of ${POLICY_GROUPS.join(', ')} (default all; always = one
                             always-<model> per model; ratios need always)
  --cost-weight auto|N       λ of the learned routes in reward per US dollar; auto fits it by
                             cross-validation on the training rows (default auto)
  --cost-target SHARE        auto: optimizer-offline's cost, as a share of always-gpt-4's (default 0.4)
  --online-cost-target SHARE auto: the same for optimizer-online (default 0.35)
  --online-exploration SHARE exploration of the online route while training prompts stream (default 0.5)
  --concurrency N            requests in flight while testing (default 64)
  --online-concurrency N     requests in flight while training prompts stream (default 8)
  --speedup N                simulated model time runs N times faster (default 10)
  --workers N                worker processes, each hosting every model (default 2)
  --out DIR                  where results.json, report.md and the chart go (default bench/results/routing)
Uses NATS_URL / DATABASE_URL when set, else starts throwaway servers from local binaries.`;

function readPolicies(text: string | undefined): PolicyGroup[] {
  if (text === undefined) return [...POLICY_GROUPS];
  const names = text.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !(POLICY_GROUPS as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new Error(
      `--policies takes a list of ${POLICY_GROUPS.join(', ')}; got "${text}" (example: --policies optimizer-offline,always)`,
    );
  }
  return POLICY_GROUPS.filter((group) => names.includes(group));
}

/**
 * Parses the command line (without `node` and the script).
 * @throws Error naming the flag when a flag is unknown or its value is malformed.
 */
export function parseRoutingFlags(args: readonly string[]): RoutingFlags {
  const { values, tokens } = parseArgs({
    args: [...args],
    options: {
      train: { type: 'string', multiple: true },
      test: { type: 'string', multiple: true },
      holdout: { type: 'string' },
      seed: { type: 'string' },
      policies: { type: 'string' },
      'cost-weight': { type: 'string' },
      'cost-target': { type: 'string' },
      'online-cost-target': { type: 'string' },
      'online-exploration': { type: 'string' },
      concurrency: { type: 'string' },
      'online-concurrency': { type: 'string' },
      speedup: { type: 'string' },
      workers: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: true,
    tokens: true,
  });
  const files = collectFileFlags(tokens, ['train', 'test']);
  return {
    train: files.get('train') ?? DEFAULT_TRAIN,
    test: files.get('test') ?? [],
    holdout: readShare('holdout', values.holdout, 0.2, 0.9),
    seed: readWholeNumber('seed', values.seed, 1),
    policies: readPolicies(values.policies),
    costWeight: readCostWeight(values['cost-weight']),
    costTarget: readShare('cost-target', values['cost-target'], 0.4),
    onlineCostTarget: readShare('online-cost-target', values['online-cost-target'], 0.35),
    onlineExploration: readShare('online-exploration', values['online-exploration'], 0.5, MAX_EXPLORATION),
    concurrency: readWholeNumber('concurrency', values.concurrency, 64),
    onlineConcurrency: readWholeNumber('online-concurrency', values['online-concurrency'], 8),
    speedup: readPositiveNumber('speedup', values.speedup, 10),
    workers: readWholeNumber('workers', values.workers, 2),
    out: values.out ?? DEFAULT_OUT,
    help: values.help ?? false,
  };
}
