import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { LoadSample, PolicyName, ReplayResults, RequestOutcome } from '../replay-results.js';

/**
 * Small replay inputs for the report's tests: a results.json shaped like a real run's, and seeded
 * outcomes and load samples with the spread a real trace gives (log-normal latencies, bursts).
 */

/** Per policy: median latency (ms), spread of log latency, cost per answer (USD), share correct. */
const POLICY_PROFILES: Readonly<Partial<Record<PolicyName, readonly [number, number, number, number]>>> = {
  static: [110, 0.55, 0.0021, 0.86],
  'least-loaded': [70, 0.5, 0.0019, 0.85],
  switchboard: [42, 0.6, 0.00116, 0.872],
  oracle: [30, 0.4, 0.0007, 0.93],
};

const TIERS = [
  { tier: 'premium', budgetMs: 250 },
  { tier: 'standard', budgetMs: 500 },
  { tier: 'free', budgetMs: 2_000 },
] as const;

/** A results.json of static, switchboard and the oracle bound, the ratios worked out by hand. */
export const SAMPLE_RESULTS: ReplayResults = {
  run: {
    trace: 'traces/azure-llm-2024-code.csv',
    prompts: ['prompts/mmlu-sample.jsonl'],
    train: ['train/router-outcomes-1.jsonl', 'train/router-outcomes-2.jsonl'],
    speedup: 20,
    duration_s: 60,
    requests: 400,
    seed: 42,
    simulated: ['model execution time (from the recorded output length)', 'GPU replicas'],
    machine: '8 × AMD EPYC 7763, 32 GiB, Node 20.19.0, linux x64',
    tiers: {
      premium: { budget_ms: 250, share: 0.2 },
      standard: { budget_ms: 500, share: 0.5 },
      free: { budget_ms: 2_000, share: 0.3 },
    },
    learned_route: {
      route: 'llm',
      training_rows: 1112,
      policy_version: 1,
      cost_weight_per_usd: 4.217,
      cost_target: 0.4,
      fit_accuracy: 0.8312,
      fit_cost_share: 0.3975,
      exploration: 0.1,
    },
  },
  policies: {
    static: {
      requests: 400,
      errors: 6,
      latency_ms: { mean: 136.4, p50: 110.2, p95: 251.7, p99: 349.9 },
      throughput_rps: 6.57,
      goodput_rps: 6.02,
      slo_miss_rate: 0.0825,
      cost_per_request_usd: 0.0021034567,
      accuracy: 0.86,
      capacity_rps: 12.5,
      reasons: { cheapest_feasible: 394 },
    },
    switchboard: {
      requests: 400,
      errors: 1,
      latency_ms: { mean: 50.47, p50: 42.1, p95: 125.9, p99: 195.3 },
      throughput_rps: 6.65,
      goodput_rps: 6.55,
      slo_miss_rate: 0.0125,
      cost_per_request_usd: 0.0011568,
      accuracy: 0.872,
      capacity_rps: 23.75,
      reasons: { learned_policy: 371, degraded_fastest: 28 },
    },
    oracle: {
      requests: 400,
      errors: 0,
      latency_ms: { mean: 33.1, p50: 30.0, p95: 58.2, p99: 75.6 },
      throughput_rps: 6.67,
      goodput_rps: 6.67,
      slo_miss_rate: 0,
      cost_per_request_usd: 0.0007,
      accuracy: 0.93,
      capacity_rps: null,
      reasons: { cheapest_feasible: 400 },
    },
  },
  ratios_to_static: {
    static: { mean: 1, p95: 1, p99: 1, goodput: 1, capacity: 1, cost: 1, accuracy_points: 0 },
    switchboard: {
      mean: 0.37,
      p95: 0.5,
      p99: 0.5582,
      goodput: 1.088,
      capacity: 1.9,
      cost: 0.55,
      accuracy_points: 1.2,
    },
    oracle: {
      mean: 0.2427,
      p95: 0.2312,
      p99: 0.2161,
      goodput: 1.108,
      capacity: null,
      cost: 0.3328,
      accuracy_points: 7,
    },
  },
};

function createRandom(seed: number): () => number {
  const generator = xoroshiro128plus(seed);
  return () => uniformFloat64(generator);
}

/** A standard normal draw (Box–Muller), for log-normal latencies. */
function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** `countPerPolicy` outcomes per policy, one every 150 ms, about 1% of them deadline errors. */
export function createSampleOutcomes(
  policies: readonly PolicyName[],
  countPerPolicy: number,
  seed = 7,
): RequestOutcome[] {
  const random = createRandom(seed);
  return policies.flatMap((policy) => {
    const [medianMs, spread, costUsd, accuracy] = POLICY_PROFILES[policy] ?? [80, 0.5, 0.001, 0.85];
    return Array.from({ length: countPerPolicy }, (_, index): RequestOutcome => {
      const { tier, budgetMs } = TIERS[index % TIERS.length] ?? TIERS[0];
      const failed = random() < 0.01;
      const latencyMs = failed ? budgetMs : medianMs * Math.exp(spread * normal(random));
      return {
        policy,
        sentAtMs: index * 150,
        task: index % 2 === 0 ? 'mbpp' : 'winogrande',
        latencyMs,
        code: failed ? 4 : 0,
        tier,
        withinSlo: !failed && latencyMs <= budgetMs,
        model: failed ? '' : 'llama-3.1-8b',
        reason: failed ? '' : 'cheapest_feasible',
        correct: !failed && random() < accuracy,
        costUsd: failed ? 0 : costUsd,
      };
    });
  });
}

/** One load sample per second for `durationS` seconds per policy: a burst mid-run, one scale-up. */
export function createSampleLoad(
  policies: readonly PolicyName[],
  durationS: number,
  seed = 11,
): LoadSample[] {
  const random = createRandom(seed);
  return policies.flatMap((policy, policyIndex) =>
    Array.from({ length: durationS }, (_, second): LoadSample => {
      const burst = second > durationS / 3 && second < durationS / 2;
      const arrivalsPerSecond = Math.round((burst ? 14 : 6) + 3 * random());
      return {
        policy,
        atMs: second * 1000,
        arrivalsPerSecond,
        queueDepth: Math.max(0, Math.round((burst ? 9 - 2 * policyIndex : 1) + 2 * random())),
        replicas: second > durationS / 2.5 ? 3 : 2,
      };
    }),
  );
}
