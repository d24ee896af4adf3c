import { join } from 'node:path';
import { createGrpcClient } from '@switchboard/grpc';
import type { GrpcClient } from '@switchboard/grpc';
import { createSubjectNames, deleteNamespaceStreams } from '@switchboard/nats';
import { GRPCInferenceService } from '@switchboard/protocol';
import { CleanupStack } from '../shared/cleanup-stack.js';
import { describeMachine } from '../shared/describe-machine.js';
import { LoadRecorder } from '../shared/load-recorder.js';
import { prepareRun } from '../shared/prepare-run.js';
import type { BenchEnvironment, RunContext } from '../shared/prepare-run.js';
import { recordHeartbeats } from '../shared/record-heartbeats.js';
import { ReplicaTimeline } from '../shared/replica-timeline.js';
import { reportProgress } from '../shared/report-progress.js';
import { createSeededRandom } from '../shared/seeded-random.js';
import { DEFAULT_TIERS } from './create-replay-workload.js';
import type { ReplayRequest } from './create-replay-workload.js';
import { findCapacity } from './find-capacity.js';
import type { SimulatedLlm } from './llm-catalogue.js';
import { accuracyOn, createPolicy } from './policies.js';
import type { ReplayFlags } from './parse-replay-flags.js';
import { prepareLearnedRoute } from './prepare-learned-route.js';
import { prepareReplayWorkload } from './prepare-replay-workload.js';
import type { ReplayInputs } from './prepare-replay-workload.js';
import type { PromptRecord } from './prompt-record.js';
import type {
  LearnedRouteDescription,
  LoadSample,
  PolicyName,
  PolicyResult,
  ReplayResults,
  RequestOutcome,
} from './replay-results.js';
import { runPolicy } from './run-policy.js';
import { startReplayStack } from './start-replay-stack.js';
import { ratiosToStatic, summarisePolicy } from './summarise-replay.js';
import { formatResultTables, writeReport } from './write-report.js';

/** How long the queues get to drain between policies, wall-clock ms. */
const IDLE_WAIT_MS = 60_000;
/** Answers per router reason, as a progress line: `learned_policy 1203, degraded_fastest 200`. */
function describeReasons(result: PolicyResult): string {
  const counts = Object.entries(result.reasons).sort(([, left], [, right]) => right - left);
  return counts.map(([reason, count]) => `${reason || 'unanswered'} ${count}`).join(', ');
}

/** Says how a route policy's router decided; warns when a route did not decide as its policy says. */
function reportReasons(policy: PolicyName, result: PolicyResult): void {
  if (policy !== 'switchboard' && policy !== 'switchboard-rules') return;
  reportProgress(`  ${policy} answers by router reason: ${describeReasons(result)}`);
  const learned = result.reasons['learned_policy'] ?? 0;
  if (policy === 'switchboard-rules' && learned > 0)
    reportProgress('  warning: the rules route answered with a learned policy');
  if (policy === 'switchboard' && learned === 0)
    reportProgress('  warning: the learned route never answered with its learned policy');
}

/** Runs the given policies on the same workload, one after another, waiting for idle queues in between. */
async function runPolicies(
  flags: ReplayFlags,
  policyNames: readonly PolicyName[],
  inputs: {
    workload: readonly ReplayRequest[];
    models: readonly SimulatedLlm[];
    train: readonly PromptRecord[];
  },
  recorders: {
    client: GrpcClient<typeof GRPCInferenceService>;
    loadRecorder: LoadRecorder;
    replicas: ReplicaTimeline;
  },
) {
  const { client, loadRecorder } = recorders;
  const policies: Partial<Record<PolicyName, PolicyResult>> = {};
  const outcomes: RequestOutcome[] = [];
  const samples: LoadSample[] = [];
  const random = createSeededRandom(flags.seed, 2);
  for (const policy of policyNames) {
    if (!(await loadRecorder.waitUntilIdle(IDLE_WAIT_MS)))
      reportProgress(`  queues not idle before ${policy}; going on`);
    const inFlight = new Map<string, number>();
    const choose = createPolicy(policy, { models: inputs.models, train: inputs.train, random, inFlight });
    reportProgress(`${policy}: replaying ${inputs.workload.length} requests`);
    const run = await runPolicy({
      client,
      policy,
      choose,
      workload: inputs.workload,
      inFlight,
      speedup: flags.speedup,
      load: flags.load,
      loadRecorder,
      replicas: recorders.replicas,
    });
    const capacity = flags.capacity
      ? await findCapacity({
          ...inputs,
          policy,
          choose,
          inFlight,
          client,
          loadRecorder,
          replicas: recorders.replicas,
          speedup: flags.speedup,
        })
      : null;
    policies[policy] = summarisePolicy(run.outcomes, run.durationMs, capacity);
    reportReasons(policy, policies[policy]);
    outcomes.push(...run.outcomes);
    samples.push(...run.samples);
  }
  return { policies, outcomes, samples };
}

/**
 * Starts a stack for some of the policies — fixed workers, or the resource manager placing the
 * models on workers it starts (in a namespace of its own) — runs them on it and tears it down.
 */
async function runOnStack(
  flags: ReplayFlags,
  inputs: ReplayInputs,
  group: { policies: readonly PolicyName[]; resourceManager: boolean },
  context: RunContext,
  outerCleanup: CleanupStack,
) {
  const cleanup = new CleanupStack();
  outerCleanup.add('replay stack', () => cleanup.run());
  try {
    const namespace = group.resourceManager ? `${context.namespace}rm` : context.namespace;
    if (group.resourceManager)
      cleanup.add(`${namespace} streams`, async () => {
        await deleteNamespaceStreams(context.connection, namespace);
      });
    const replicas = new ReplicaTimeline();
    const heartbeats = recordHeartbeats(
      context.connection,
      createSubjectNames(namespace).workerHeartbeatSubject,
      replicas,
    );
    cleanup.add('heartbeat recorder', async () => heartbeats.unsubscribe());
    const learned = group.policies.includes('switchboard');
    const stack = await startReplayStack(
      { ...context, namespace },
      { ...inputs, prompts: [...inputs.train, ...inputs.evaluation] },
      {
        speedup: flags.speedup,
        workers: flags.workers,
        optimizer: learned,
        resourceManager: group.resourceManager,
      },
      cleanup,
    );
    const client = createGrpcClient(GRPCInferenceService, stack.routerAddress);
    cleanup.add('router client', async () => client.close());
    const learnedRoute: LearnedRouteDescription | null = learned
      ? await prepareLearnedRoute(
          {
            costWeight: flags.costWeight,
            costTarget: flags.costTarget,
            seed: flags.seed,
            connection: context.connection,
            namespace,
            optimizerAddress: stack.optimizerAddress ?? '',
            client,
            train: inputs.trainRows,
            models: inputs.models,
            specs: stack.specs,
            arrivals: inputs.arrivals,
          },
          cleanup,
        )
      : null;
    const loadRecorder = new LoadRecorder(
      context.connection,
      createSubjectNames(namespace).monitorLoadSubject,
    );
    cleanup.add('load recorder', async () => loadRecorder.stop());
    const run = await runPolicies(flags, group.policies, inputs, { client, loadRecorder, replicas });
    return { ...run, learnedRoute };
  } finally {
    await cleanup.run();
  }
}

/**
 * The replay benchmark: reads the trace and the prompts, starts Switchboard with the 11 simulated
 * LLMs on fixed workers for the baselines and `switchboard-rules`, and — for `switchboard` — a
 * second Switchboard whose resource manager places the models on workers it starts, with the
 * optimizer, whose policy the route learns from the training rows first. Every policy is sent the
 * same request sequence; results.json, report.md and the charts go to `--out`.
 */
export async function runReplay(
  flags: ReplayFlags,
  environment: BenchEnvironment,
  cleanup: CleanupStack,
): Promise<void> {
  const inputs = await prepareReplayWorkload(flags);
  const context = await prepareRun(environment, 'bench-replay', cleanup);
  const groups = [
    { policies: flags.policies.filter((policy) => policy !== 'switchboard'), resourceManager: false },
    { policies: flags.policies.filter((policy) => policy === 'switchboard'), resourceManager: true },
  ].filter((group) => group.policies.length > 0);
  const runs = [];
  for (const group of groups) runs.push(await runOnStack(flags, inputs, group, context, cleanup));
  const merged = Object.assign({}, ...runs.map((run) => run.policies)) as Partial<
    Record<PolicyName, PolicyResult>
  >;
  const policies = Object.fromEntries(
    flags.policies.flatMap((policy) => (merged[policy] === undefined ? [] : [[policy, merged[policy]]])),
  ) as Partial<Record<PolicyName, PolicyResult>>;
  const outcomes = runs.flatMap((run) => run.outcomes);
  const samples = runs.flatMap((run) => run.samples);
  const learnedRoute = runs.find((run) => run.learnedRoute !== null)?.learnedRoute ?? null;
  const results: ReplayResults = {
    run: {
      trace: flags.trace,
      prompts: flags.prompts,
      train: flags.train,
      speedup: flags.speedup,
      duration_s: flags.durationSeconds,
      requests: inputs.workload.length,
      seed: flags.seed,
      simulated: ['latency (token timing calibrated per model)', 'replica capacity'],
      machine: describeMachine(context.infrastructure).replace(/^machine: /, ''),
      tiers: Object.fromEntries(
        DEFAULT_TIERS.map((tier) => [tier.name, { budget_ms: tier.budgetMs, share: tier.share }]),
      ),
      learned_route: learnedRoute,
    },
    policies,
    ratios_to_static: ratiosToStatic(policies),
  };
  await writeReport(flags.out, results, outcomes, samples);
  const tiers = DEFAULT_TIERS.map(
    (tier) => `${tier.name} ${tier.share * 100}% within ${tier.budgetMs / 1_000} s`,
  ).join(', ');
  process.stdout.write(
    `Simulated: ${results.run.simulated.join('; ')}. Recorded: arrivals, sizes, prompts, correctness, cost.\n` +
      `Tiers: ${tiers}. Figures in trace time.\n\n${formatResultTables(results)}\n`,
  );
  reportProgress(`wrote ${join(flags.out, 'results.json')}, report.md and charts`);
  const evaluationAccuracy = (model: SimulatedLlm) => accuracyOn(inputs.evaluation, model);
  reportProgress(
    `evaluation accuracy per model: ${inputs.models.map((model) => `${model.name} ${(evaluationAccuracy(model) * 100).toFixed(1)}%`).join(', ')}`,
  );
}
