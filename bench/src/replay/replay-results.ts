/** The policies `pnpm bench replay` compares, in the order it runs and prints them. */
export const POLICY_NAMES = [
  'static',
  'always-largest',
  'cheapest',
  'round-robin',
  'random',
  'least-loaded',
  'switchboard',
  'switchboard-rules',
  'oracle',
] as const;

export type PolicyName = (typeof POLICY_NAMES)[number];

/** Latency of the requests answered OK, milliseconds. */
export interface LatencySummary {
  readonly mean: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
}

/** One policy's figures over the evaluation requests of a run (the `policies` entries of results.json). */
export interface PolicyResult {
  readonly requests: number;
  /** Requests answered with a non-OK status (deadline passed included). */
  readonly errors: number;
  readonly latency_ms: LatencySummary;
  /** Requests answered OK per second of the policy's run (first arrival to last answer). */
  readonly throughput_rps: number;
  /** Requests answered OK within their tier's budget, per second of the run. */
  readonly goodput_rps: number;
  /** Share of requests not answered OK within their tier's budget. */
  readonly slo_miss_rate: number;
  /** Mean recorded cost of the requests answered OK, US dollars. */
  readonly cost_per_request_usd: number;
  /** Share of requests answered OK whose recorded answer was correct (an error counts as wrong). */
  readonly accuracy: number;
  /** `--capacity`: highest arrival rate with ≥ 99% of requests within SLO; null otherwise. */
  readonly capacity_rps: number | null;
  /** Answers per router reason (`switchboard.reason`, e.g. `learned_policy`, `degraded_fastest`). */
  readonly reasons: Readonly<Record<string, number>>;
}

/**
 * A policy's figures as ratios to static's (accuracy as a difference in points); null where
 * static's figure is 0 (no ratio exists) or, for capacity, was not measured.
 */
export interface RatiosToStatic {
  readonly mean: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
  readonly goodput: number | null;
  readonly capacity: number | null;
  readonly cost: number | null;
  readonly accuracy_points: number;
}

/** How the `switchboard` policy's route learned before the replay. */
export interface LearnedRouteDescription {
  readonly route: string;
  /** Training rows imported into the route (ImportOutcomes, train on the last chunk). */
  readonly training_rows: number;
  /** The policy version the router decided the replay with. */
  readonly policy_version: number;
  /** λ: reward given up per predicted US dollar. */
  readonly cost_weight_per_usd: number;
  /** auto: the cost target λ was fitted for, as a share of the dearest model's cost; null when given. */
  readonly cost_target: number | null;
  /** auto: cross-validated accuracy and cost share on the training rows, unloaded; null when given. */
  readonly fit_accuracy: number | null;
  readonly fit_cost_share: number | null;
  /** Share of the route's decisions the policy explores (the optimizer's setting). */
  readonly exploration: number;
}

/** What ran: inputs, scale, seed and what is simulated. */
export interface RunDescription {
  readonly trace: string;
  readonly prompts: readonly string[];
  readonly train: readonly string[];
  readonly speedup: number;
  readonly duration_s: number;
  /** Evaluation requests each policy was sent (the same sequence for all). */
  readonly requests: number;
  readonly seed: number;
  /** What the run simulates; everything else (arrivals, sizes, prompts, correctness, cost) is recorded data. */
  readonly simulated: readonly string[];
  readonly machine: string;
  /** Tier → latency budget (ms) and share of requests. */
  readonly tiers: Readonly<Record<string, { readonly budget_ms: number; readonly share: number }>>;
  /** The learned route of `switchboard`; null when it did not run. */
  readonly learned_route: LearnedRouteDescription | null;
}

/** results.json. */
export interface ReplayResults {
  readonly run: RunDescription;
  readonly policies: Readonly<Partial<Record<PolicyName, PolicyResult>>>;
  readonly ratios_to_static: Readonly<Partial<Record<PolicyName, RatiosToStatic>>>;
}

/** One request as a policy's run saw it: what the charts are drawn from. */
export interface RequestOutcome {
  readonly policy: PolicyName;
  /** Milliseconds after the policy's first arrival at which it was sent. */
  readonly sentAtMs: number;
  /** End-to-end latency at the client, milliseconds. */
  readonly latencyMs: number;
  /** 0 for OK, else the gRPC status code. */
  readonly code: number;
  readonly tier: string;
  /** The prompt's task (RouterBench `eval_name`). */
  readonly task: string;
  readonly withinSlo: boolean;
  /** The model that answered ('' when none did). */
  readonly model: string;
  /** Why the router chose it (`switchboard.reason`; '' when none answered). */
  readonly reason: string;
  /** Recorded correctness of the answer (false when there was none). */
  readonly correct: boolean;
  /** Recorded cost of the answer, US dollars (0 when there was none). */
  readonly costUsd: number;
}

/** One sample of the system's state during a policy's run, for the timeline. */
export interface LoadSample {
  readonly policy: PolicyName;
  /** Milliseconds after the policy's first arrival. */
  readonly atMs: number;
  /** Requests sent in the sample's interval, per second. */
  readonly arrivalsPerSecond: number;
  /** Jobs waiting or running across every model (the monitor's load snapshot). */
  readonly queueDepth: number;
  /** Replicas held (loaded or loading) over all models, from the workers' heartbeats. */
  readonly replicas: number;
}
