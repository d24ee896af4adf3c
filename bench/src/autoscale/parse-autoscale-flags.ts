import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { collectFileFlags } from '../shared/collect-file-flags.js';
import { readChoiceList, readPositiveNumber } from '../shared/read-flag-value.js';
import { AUTOSCALE_POLICIES } from './autoscale-results.js';
import type { AutoscalePolicy } from './autoscale-results.js';

/** The autoscale benchmark's settings. */
export interface AutoscaleFlags {
  /** Trace files (Azure LLM inference CSV or JSON Lines); each file's requests go to a model of their own. */
  readonly traces: readonly string[];
  /** Wall-clock time runs this many times faster than trace time. @default 10 */
  readonly speedup: number;
  /** Trace seconds of the measured stretch. @default 600 */
  readonly durationSeconds: number;
  /** Trace seconds before the stretch replayed first, unmeasured. @default 120 */
  readonly leadInSeconds: number;
  /** A request's SLO, trace seconds. @default 10 */
  readonly sloSeconds: number;
  readonly policies: readonly AutoscalePolicy[];
  readonly out: string;
  readonly help: boolean;
}

const TRACES = fileURLToPath(new URL('../../../../shared/data/traces/', import.meta.url));
const DEFAULT_TRACES = ['code', 'conv'].map((name) => `${TRACES}AzureLLMInferenceTrace_${name}.csv`);
const DEFAULT_OUT = fileURLToPath(new URL('../../results/autoscale', import.meta.url));

/**
 * A resource manager in production has run for hours before any burst; 15 minutes of the trace
 * before the stretch give its forecasters a history that spans several of the within-hour cycles
 * real traffic has (a cycle is recognised after two), instead of judging a cold start.
 */
const DEFAULT_LEAD_IN_SECONDS = 900;

export const AUTOSCALE_USAGE = `usage: pnpm bench autoscale [--trace FILE...] [--speedup N] [--duration SECONDS] [--lead-in SECONDS]
                           [--slo SECONDS] [--policies LIST] [--out DIR]
  --trace FILE...     arrivals: Azure LLM inference CSVs (TIMESTAMP,ContextTokens,GeneratedTokens) or JSON
                      Lines ({"timestamp": ms, ...}); each file's requests go to a model of their own
                      (default: the code and conv CSVs of ../shared/data/traces)
  --speedup N         run N times faster than trace time: arrivals, model times, cold starts and the
                      managers' delays; figures are reported in trace time (default 10)
  --duration SECONDS  trace seconds of the measured stretch, the burstiest of the trace (default 600)
  --lead-in SECONDS   trace seconds before the stretch replayed first, not measured (default 900)
  --slo SECONDS       a request misses its SLO when not answered within this, trace time (default 10)
  --policies LIST     which of ${AUTOSCALE_POLICIES.join(', ')} (default all)
  --out DIR           where results.json and the chart go (default bench/results/autoscale)
Uses NATS_URL / DATABASE_URL when set, else starts throwaway servers from local binaries.`;

/**
 * Parses the command line (without `node` and the script).
 * @throws Error naming the flag when a flag is unknown or its value is malformed.
 */
export function parseAutoscaleFlags(args: readonly string[]): AutoscaleFlags {
  const { values, tokens } = parseArgs({
    args: [...args],
    options: {
      trace: { type: 'string', multiple: true },
      speedup: { type: 'string' },
      duration: { type: 'string' },
      'lead-in': { type: 'string' },
      slo: { type: 'string' },
      policies: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: true,
    tokens: true,
  });
  const leadIn = values['lead-in'];
  return {
    traces: collectFileFlags(tokens, ['trace']).get('trace') ?? DEFAULT_TRACES,
    speedup: readPositiveNumber('speedup', values.speedup, 10),
    durationSeconds: readPositiveNumber('duration', values.duration, 600),
    leadInSeconds: leadIn === '0' ? 0 : readPositiveNumber('lead-in', leadIn, DEFAULT_LEAD_IN_SECONDS),
    sloSeconds: readPositiveNumber('slo', values.slo, 10),
    policies: readChoiceList('policies', values.policies, AUTOSCALE_POLICIES),
    out: values.out ?? DEFAULT_OUT,
    help: values.help ?? false,
  };
}
