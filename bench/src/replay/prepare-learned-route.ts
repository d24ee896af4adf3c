import type { NatsConnection } from '@nats-io/transport-node';
import { createGrpcClient } from '@switchboard/grpc';
import type { GrpcClient } from '@switchboard/grpc';
import { createSubjectNames } from '@switchboard/nats';
import type { OutcomeRecord } from '@switchboard/outcome-files';
import { OptimizerService } from '@switchboard/protocol';
import type { GRPCInferenceService, ModelSpec } from '@switchboard/protocol';
import { openDecisionsBucket } from '@switchboard/routing-policy';
import { importTrainingRows } from '../routing/train-offline.js';
import { waitUntilRouterApplies } from '../routing/wait-for-policy.js';
import type { CleanupStack } from '../shared/cleanup-stack.js';
import type { CostWeightChoice } from '../shared/read-flag-value.js';
import type { TraceArrival } from '../shared/read-trace.js';
import { reportProgress } from '../shared/report-progress.js';
import { createSeededRandom } from '../shared/seeded-random.js';
import { fitReplayCostWeight } from './fit-replay-cost-weight.js';
import type { SimulatedLlm } from './llm-catalogue.js';
import { REPLAY_ROUTES } from './policies.js';
import type { LearnedRouteDescription } from './replay-results.js';

/** How long the router gets to apply the imported policy. */
const APPLY_TIMEOUT_MS = 60_000;
/** Output tokens of the probe that checks the router applies the policy: it only has to be answered. */
const PROBE_OUTPUT_TOKENS = 1;

/** Where the learned route's policy comes from and goes to. */
export interface LearnedRouteOptions {
  readonly connection: NatsConnection;
  readonly namespace: string;
  readonly optimizerAddress: string;
  readonly client: GrpcClient<typeof GRPCInferenceService>;
  /** The training rows only: the evaluation prompts never reach the optimizer or the λ fit. */
  readonly train: readonly OutcomeRecord[];
  readonly models: readonly SimulatedLlm[];
  /** The registry entry of each model, by position in `models`. */
  readonly specs: readonly ModelSpec[];
  readonly arrivals: readonly TraceArrival[];
  readonly costWeight: CostWeightChoice;
  readonly costTarget: number;
  readonly seed: number;
}

function describeFit(fit: ReturnType<typeof fitReplayCostWeight>): string {
  const share = `${(fit.costShare * 100).toFixed(1)}%`;
  return `cross-validated ${fit.accuracy.toFixed(3)} at ${share} of ${fit.referenceModel}'s cost`;
}

/** λ per US dollar: given, or fitted on the training rows for the cost target. */
function chooseCostWeight(options: LearnedRouteOptions, exploration: number) {
  if (options.costWeight.kind === 'fixed') {
    reportProgress(`switchboard: λ ${options.costWeight.perUsd} per US$ (given)`);
    return {
      cost_weight_per_usd: options.costWeight.perUsd,
      cost_target: null,
      fit_accuracy: null,
      fit_cost_share: null,
    };
  }
  reportProgress(
    `switchboard: fitting λ by 5-fold cross-validation on ${options.train.length} training rows`,
  );
  const fit = fitReplayCostWeight({
    ...options,
    costTarget: options.costTarget,
    exploration,
    random: createSeededRandom(options.seed, 3),
  });
  reportProgress(`  λ ${fit.costWeightPerUsd.toPrecision(3)} per US$: ${describeFit(fit)}`);
  return {
    cost_weight_per_usd: fit.costWeightPerUsd,
    cost_target: options.costTarget,
    fit_accuracy: fit.accuracy,
    fit_cost_share: fit.costShare,
  };
}

/**
 * Readies the `switchboard` policy's route before any policy is replayed: sets its λ (fitted as the
 * routing benchmark fits it, or given), imports the training rows into it in chunks with training
 * on the last (as `switchboard optimizer import` does), waits until the optimizer reports the
 * policy live and the router's decision records show it decides with it.
 * @throws Error when there are no training rows, the optimizer publishes nothing, or the router
 *   does not apply the policy within 60 s.
 */
export async function prepareLearnedRoute(
  options: LearnedRouteOptions,
  cleanup: CleanupStack,
): Promise<LearnedRouteDescription> {
  const route = REPLAY_ROUTES.learned;
  const probe = options.train[0];
  if (probe === undefined) throw new Error('the switchboard policy needs training rows');
  const optimizer = createGrpcClient(OptimizerService, options.optimizerAddress);
  cleanup.add('optimizer client', async () => optimizer.close());
  const { settings: defaults } = await optimizer.getPolicy({ route });
  if (defaults === undefined) throw new Error('the optimizer returned no route settings');
  const costWeight = chooseCostWeight(options, defaults.exploration);
  await optimizer.setRouteSettings({
    route,
    settings: { ...defaults, costWeightPerUsd: costWeight.cost_weight_per_usd },
  });
  reportProgress(`switchboard: importing ${options.train.length} training rows into route ${route}`);
  const version = await importTrainingRows({
    optimizer,
    route,
    train: options.train,
    modelNames: new Map(options.models.map((model) => [model.routerBenchName, model.name])),
  });
  const decisions = await openDecisionsBucket(options.connection, createSubjectNames(options.namespace));
  await waitUntilRouterApplies({
    client: options.client,
    decisions,
    route,
    version,
    probe: { record: probe, outputTokens: PROBE_OUTPUT_TOKENS },
    timeoutMs: APPLY_TIMEOUT_MS,
  });
  reportProgress(`  the router decides route ${route} with policy version ${version}`);
  return {
    route,
    training_rows: options.train.length,
    policy_version: Number(version),
    ...costWeight,
    exploration: defaults.exploration,
  };
}
