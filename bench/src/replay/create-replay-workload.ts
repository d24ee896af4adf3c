import type { TraceArrival } from '../shared/read-trace.js';
import type { Random } from '../shared/seeded-random.js';
import type { PromptRecord } from './prompt-record.js';

/** A tier of service: its latency budget and its share of the requests. */
export interface Tier {
  readonly name: string;
  /** SLO: answered OK within this many milliseconds (trace time). */
  readonly budgetMs: number;
  readonly share: number;
}

/**
 * Default tiers for LLM traffic, as end-to-end budgets. An answer of ~200 tokens takes 4–20 s on
 * these models and the conversation trace's longest answers (600 tokens) up to a minute on the
 * slowest (see llm-catalogue.ts): interactive chat gets 15 s — enough for the most accurate model's
 * longest answers when it is not queued — API calls 30 s, and batch jobs two minutes.
 */
export const DEFAULT_TIERS: readonly Tier[] = [
  { name: 'premium', budgetMs: 15_000, share: 0.2 },
  { name: 'standard', budgetMs: 30_000, share: 0.6 },
  { name: 'batch', budgetMs: 120_000, share: 0.2 },
];

/** One request of the replay: an arrival of the trace carrying one evaluation prompt. */
export interface ReplayRequest {
  readonly index: number;
  /** When it arrives, ms of trace time after the first arrival. */
  readonly offsetMs: number;
  readonly prompt: PromptRecord;
  /** Input tokens of the trace's request: the prompt plus earlier conversation (`context`). */
  readonly promptTokens: number;
  /** Tokens the trace's request generated: the `max_tokens` it asks for. */
  readonly outputTokens: number;
  readonly tier: Tier;
}

function pickTier(tiers: readonly Tier[], draw: number): Tier {
  let cumulative = 0;
  for (const tier of tiers) {
    cumulative += tier.share;
    if (draw < cumulative) return tier;
  }
  return tiers.at(-1) as Tier;
}

/**
 * Pairs every arrival of the trace (cut to `durationMs` of trace time) with a prompt of the
 * evaluation set and a tier, both drawn from `random`: the one request sequence every policy is sent.
 * @throws Error when there are no arrivals or no evaluation prompts, or the tier shares do not add up to 1.
 */
export function createReplayWorkload(
  arrivals: readonly TraceArrival[],
  prompts: readonly PromptRecord[],
  options: { readonly durationMs: number; readonly tiers: readonly Tier[]; readonly random: Random },
): ReplayRequest[] {
  const shares = options.tiers.reduce((sum, tier) => sum + tier.share, 0);
  if (Math.abs(shares - 1) > 1e-9) throw new Error(`tier shares add up to ${shares}, not 1`);
  if (prompts.length === 0) throw new Error('no evaluation prompts');
  const within = arrivals.filter((arrival) => arrival.offsetMs <= options.durationMs);
  if (within.length === 0) throw new Error(`the trace has no arrivals in its first ${options.durationMs} ms`);
  return within.map((arrival, index) => ({
    index,
    offsetMs: arrival.offsetMs,
    prompt: prompts[Math.floor(options.random() * prompts.length)] as PromptRecord,
    promptTokens: arrival.promptTokens,
    outputTokens: arrival.outputTokens,
    tier: pickTier(options.tiers, options.random()),
  }));
}

/**
 * Splits prompts into training and evaluation rows, reproducibly for a seed: each row goes to
 * evaluation with probability `evaluationShare`. Used when no separate training files are given.
 */
export function splitPrompts<Prompt>(
  prompts: readonly Prompt[],
  evaluationShare: number,
  random: Random,
): { train: Prompt[]; evaluation: Prompt[] } {
  const train: Prompt[] = [];
  const evaluation: Prompt[] = [];
  for (const prompt of prompts) (random() < evaluationShare ? evaluation : train).push(prompt);
  return { train, evaluation };
}
