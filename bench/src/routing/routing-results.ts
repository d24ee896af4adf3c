/** One policy's figures on the held-out prompts, as results.json has them. */
export interface PolicyFigures {
  /** Share of the held-out prompts answered correctly (failed requests count as wrong). */
  readonly accuracy: number;
  /** Total recorded cost of the answers, US dollars. */
  readonly cost_usd: number;
  readonly requests: number;
}

/** What else is known of a policy's run, for the report. */
export interface PolicyDetails {
  /** Requests that failed (no answer). */
  readonly errors: number;
  /** Answers per serving model (registry name). */
  readonly models: Readonly<Record<string, number>>;
  /** Answers per `switchboard.reason`. */
  readonly reasons: Readonly<Record<string, number>>;
  /** True when the figures were computed from the recorded outcomes instead of sent (the oracle). */
  readonly computed: boolean;
}

/** A cost weight chosen by the fit, with what it did on the training rows' folds. */
export interface FittedCostWeight {
  readonly cost_weight_per_usd: number;
  /** auto: the cost target it was fitted for (a share of always-gpt-4's cost); fixed: null. */
  readonly cost_target: number | null;
  /** Cross-validated on the training rows; null for a fixed λ. */
  readonly fit_accuracy: number | null;
  readonly fit_cost_share: number | null;
}

/** How the online route learned while the training prompts streamed. */
export interface OnlineTraining {
  readonly prompts: number;
  readonly exploration: number;
  readonly feedback_accepted: number;
  readonly feedback_duplicates: number;
  readonly feedback_failed: number;
  /** Accuracy and cost of the training stream's own answers (learning as it went). */
  readonly accuracy: number;
  readonly cost_usd: number;
  readonly policy_version: number;
}

/** The run's settings and inputs. */
export interface RoutingRun {
  readonly train: readonly string[];
  readonly test: readonly string[];
  /** Share held out by prompt hash; null when --test files were given. */
  readonly holdout: number | null;
  readonly seed: number;
  readonly train_prompts: number;
  readonly test_prompts: number;
  readonly speedup: number;
  readonly concurrency: number;
  readonly workers: number;
  readonly machine: string;
  /** The route's exploration while testing (the optimizer's setting for the route). */
  readonly test_exploration: number;
  readonly cost_weight: { readonly offline: FittedCostWeight; readonly online: FittedCostWeight };
  readonly online_training: OnlineTraining | null;
  readonly seconds: number;
}

/** results.json. `policies` has the shape the issue asks for; the rest explains it. */
export interface RoutingResults {
  readonly policies: Readonly<Record<string, PolicyFigures>>;
  /** Accuracy and cost over always-gpt-4-1106-preview's; absent without it. */
  readonly ratios_to_always_gpt_4: Readonly<
    Record<string, { readonly accuracy: number; readonly cost: number }>
  >;
  readonly details: Readonly<Record<string, PolicyDetails>>;
  readonly run: RoutingRun;
}
