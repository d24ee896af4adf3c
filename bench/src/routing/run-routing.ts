import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import type { KV } from '@nats-io/kv';
import { createGrpcClient } from '@switchboard/grpc';
import type { GrpcClient } from '@switchboard/grpc';
import { createSubjectNames } from '@switchboard/nats';
import { FeedbackService, GRPCInferenceService, OptimizerService } from '@switchboard/protocol';
import type { RouteSettings } from '@switchboard/protocol';
import { openDecisionsBucket } from '@switchboard/routing-policy';
import type { CleanupStack } from '../shared/cleanup-stack.js';
import { describeMachine } from '../shared/describe-machine.js';
import { prepareRun } from '../shared/prepare-run.js';
import type { BenchEnvironment } from '../shared/prepare-run.js';
import { reportProgress } from '../shared/report-progress.js';
import { createSeededRandom } from '../shared/seeded-random.js';
import { chooseCostWeights } from './choose-cost-weights.js';
import { describeTargets, formatFiguresText } from './format-routing-results.js';
import type { RoutingFlags } from './parse-routing-flags.js';
import { prepareRoutingInputs, shufflePrompts } from './prepare-routing-inputs.js';
import type { RoutingInputs } from './prepare-routing-inputs.js';
import { ROUTING_ROUTES } from './routing-models.js';
import type { FittedCostWeight, OnlineTraining, RoutingResults } from './routing-results.js';
import { sendPrompts } from './send-prompts.js';
import { startRoutingStack } from './start-routing-stack.js';
import { ratiosToReference, summariseAnswers, summariseOracle } from './summarise-routing.js';
import type { PolicySummary } from './summarise-routing.js';
import { importTrainingRows } from './train-offline.js';
import { trainOnline } from './train-online.js';
import { waitUntilRouterApplies } from './wait-for-policy.js';
import { writeRoutingReport } from './write-routing-report.js';

const APPLY_TIMEOUT_MS = 60_000;

/** The clients and state every policy's run uses. */
interface RoutingSession {
  readonly flags: RoutingFlags;
  readonly inputs: RoutingInputs;
  readonly client: GrpcClient<typeof GRPCInferenceService>;
  readonly feedback: GrpcClient<typeof FeedbackService>;
  readonly optimizer: GrpcClient<typeof OptimizerService>;
  readonly decisions: KV;
  /** The routes' settings before the bench changed any: the optimizer's defaults. */
  readonly defaults: RouteSettings;
  readonly costWeights: { readonly offline: FittedCostWeight; readonly online: FittedCostWeight };
}

async function runOffline(session: RoutingSession): Promise<PolicySummary> {
  const { optimizer, flags, inputs } = session;
  const route = ROUTING_ROUTES.offline;
  const costWeightPerUsd = session.costWeights.offline.cost_weight_per_usd;
  reportProgress(
    `optimizer-offline: λ ${costWeightPerUsd.toPrecision(3)}; importing ${inputs.train.length} training rows`,
  );
  await optimizer.setRouteSettings({ route, settings: { ...session.defaults, costWeightPerUsd } });
  const version = await importTrainingRows({
    optimizer,
    route,
    train: inputs.train.map((prompt) => prompt.record),
    modelNames: inputs.modelNames,
  });
  await waitUntilRouterApplies({
    client: session.client,
    decisions: session.decisions,
    route,
    version,
    probe: inputs.train[0]!,
    timeoutMs: APPLY_TIMEOUT_MS,
  });
  return test(session, route, 'optimizer-offline', flags.concurrency);
}

async function runOnline(
  session: RoutingSession,
): Promise<{ summary: PolicySummary; training: OnlineTraining }> {
  const { flags, inputs } = session;
  const costWeightPerUsd = session.costWeights.online.cost_weight_per_usd;
  reportProgress(
    `optimizer-online: λ ${costWeightPerUsd.toPrecision(3)}; streaming ${inputs.train.length} training prompts ` +
      `with exploration ${flags.onlineExploration} and feedback`,
  );
  const training = await trainOnline(
    {
      client: session.client,
      feedback: session.feedback,
      optimizer: session.optimizer,
      decisions: session.decisions,
      route: ROUTING_ROUTES.online,
      prompts: shufflePrompts(inputs.train, createSeededRandom(flags.seed, 3)),
      concurrency: flags.onlineConcurrency,
      settings: { ...session.defaults, costWeightPerUsd },
      exploration: flags.onlineExploration,
    },
    session.defaults.exploration,
  );
  reportProgress(
    `  trained: ${training.feedback_accepted} feedback accepted; stream accuracy ${training.accuracy.toFixed(3)}; ` +
      `policy version ${training.policy_version}`,
  );
  return {
    summary: await test(session, ROUTING_ROUTES.online, 'optimizer-online', flags.concurrency),
    training,
  };
}

async function test(
  session: RoutingSession,
  target: string,
  label: string,
  concurrency: number,
): Promise<PolicySummary> {
  reportProgress(`${label}: sending ${session.inputs.test.length} held-out prompts to ${target}`);
  const answers = await sendPrompts(session.inputs.test, {
    client: session.client,
    target,
    concurrency,
    label,
  });
  return summariseAnswers(answers);
}

/** Runs the chosen policies one after another; the results keep the order of POLICY_GROUPS. */
async function runPolicies(session: RoutingSession) {
  const { flags, inputs } = session;
  const summaries = new Map<string, PolicySummary>();
  let onlineTraining: OnlineTraining | null = null;
  for (const group of flags.policies) {
    if (group === 'optimizer-offline') summaries.set(group, await runOffline(session));
    if (group === 'optimizer-online') {
      const online = await runOnline(session);
      summaries.set(group, online.summary);
      onlineTraining = online.training;
    }
    if (group === 'rules') {
      const rules = await test(session, ROUTING_ROUTES.rules, 'rules', flags.concurrency);
      if ((rules.details.reasons['learned_policy'] ?? 0) > 0)
        reportProgress('  warning: the rules route answered with a learned policy');
      summaries.set(group, rules);
    }
    if (group === 'always') {
      for (const [position, fileName] of inputs.fileModels.entries()) {
        const name = `always-${fileName}`;
        summaries.set(name, await test(session, inputs.llms[position]!.name, name, flags.concurrency));
      }
    }
    if (group === 'oracle') {
      reportProgress(
        'oracle: computed from the recorded outcomes (cheapest correct model per prompt), not sent',
      );
      summaries.set(
        'oracle',
        summariseOracle(
          inputs.test.map((prompt) => prompt.record),
          inputs.modelNames,
        ),
      );
    }
  }
  return { summaries, onlineTraining };
}

/**
 * The routing benchmark: reads and splits the outcome files, starts Switchboard with the optimizer
 * and the 11 simulated LLMs, fits λ on the training rows, runs every policy on the held-out prompts
 * through the running system, prints the figures side by side and writes results.json, report.md
 * and the accuracy–cost chart to `--out`.
 */
export async function runRouting(
  flags: RoutingFlags,
  environment: BenchEnvironment,
  cleanup: CleanupStack,
): Promise<void> {
  const startedAt = performance.now();
  const inputs = await prepareRoutingInputs(flags);
  reportProgress(
    `${inputs.train.length} training and ${inputs.test.length} held-out prompts, ${inputs.llms.length} models`,
  );
  const context = await prepareRun(environment, 'bench-routing', cleanup);
  const stack = await startRoutingStack(context, inputs, flags, cleanup);
  const client = createGrpcClient(GRPCInferenceService, stack.routerAddress);
  cleanup.add('router client', async () => client.close());
  const feedback = createGrpcClient(FeedbackService, stack.routerAddress);
  cleanup.add('feedback client', async () => feedback.close());
  const optimizer = createGrpcClient(OptimizerService, stack.optimizerAddress ?? '');
  cleanup.add('optimizer client', async () => optimizer.close());
  const { settings: defaults } = await optimizer.getPolicy({ route: ROUTING_ROUTES.offline });
  if (defaults === undefined) throw new Error('the optimizer returned no route settings');
  const { sweep, ...costWeights } = chooseCostWeights(flags, inputs, stack.specs, defaults.exploration);
  const decisions = await openDecisionsBucket(context.connection, createSubjectNames(context.namespace));
  const session = { flags, inputs, client, feedback, optimizer, decisions, defaults, costWeights };
  const { summaries, onlineTraining } = await runPolicies(session);
  const policies = Object.fromEntries([...summaries].map(([name, summary]) => [name, summary.figures]));
  const results: RoutingResults = {
    policies,
    ratios_to_always_gpt_4: ratiosToReference(policies),
    details: Object.fromEntries([...summaries].map(([name, summary]) => [name, summary.details])),
    run: {
      train: flags.train,
      test: flags.test,
      holdout: flags.test.length === 0 ? flags.holdout : null,
      seed: flags.seed,
      train_prompts: inputs.train.length,
      test_prompts: inputs.test.length,
      speedup: flags.speedup,
      concurrency: flags.concurrency,
      workers: flags.workers,
      machine: describeMachine(context.infrastructure).replace(/^machine: /, ''),
      test_exploration: defaults.exploration,
      cost_weight: costWeights,
      online_training: onlineTraining,
      seconds: (performance.now() - startedAt) / 1_000,
    },
  };
  await writeRoutingReport(flags.out, results, sweep);
  process.stdout.write(
    `Held-out prompts: ${inputs.test.length}; each policy but the oracle sent through the running system and ` +
      'scored by the recorded outcome of the model that answered. oracle: computed from the recorded outcomes.\n\n' +
      `${formatFiguresText(results)}\n\n${describeTargets(results).join('\n')}\n`,
  );
  reportProgress(`wrote ${join(flags.out, 'results.json')}, report.md and accuracy-cost.png`);
}
