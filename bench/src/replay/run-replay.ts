import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGrpcClient } from '@switchboard/grpc';
import type { GrpcClient } from '@switchboard/grpc';
import { createSubjectNames } from '@switchboard/nats';
import { GRPCInferenceService } from '@switchboard/protocol';
import { createTestDatabase } from '@switchboard/testkit';
import type { CleanupStack } from '../shared/cleanup-stack.js';
import { describeMachine } from '../shared/describe-machine.js';
import { LoadRecorder } from '../shared/load-recorder.js';
import { prepareRun } from '../shared/prepare-run.js';
import type { BenchEnvironment, RunContext } from '../shared/prepare-run.js';
import { readTraces } from '../shared/read-trace.js';
import { reportProgress } from '../shared/report-progress.js';
import { createSeededRandom } from '../shared/seeded-random.js';
import { startSwitchboardStack } from '../shared/start-switchboard-stack.js';
import { createReplayWorkload, DEFAULT_TIERS, splitPrompts } from './create-replay-workload.js';
import type { ReplayRequest } from './create-replay-workload.js';
import { findCapacity } from './find-capacity.js';
import { simulatedLlmOf } from './llm-catalogue.js';
import type { SimulatedLlm } from './llm-catalogue.js';
import { accuracyOn, createPolicy, REPLAY_ROUTE, staticAccuracyOn } from './policies.js';
import { provisionLlms, toLlmSpec, toReplayRoute, writeOutcomeFiles } from './provision-llms.js';
import type { ReplayFlags } from './parse-replay-flags.js';
import { readRouterBench } from './read-routerbench.js';
import type { PromptRecord } from './read-routerbench.js';
import type {
  LoadSample,
  PolicyName,
  PolicyResult,
  ReplayResults,
  RequestOutcome,
} from './replay-results.js';
import { runPolicy } from './run-policy.js';
import { ratiosToStatic, summarisePolicy } from './summarise-replay.js';
import { formatResultTables, writeReport } from './write-report.js';

/** How long the queues get to drain between policies, wall-clock ms. */
const IDLE_WAIT_MS = 60_000;
/** Share of the prompts evaluated when no training files are given; the rest train the policies. */
const EVALUATION_SHARE = 0.5;

/** The prompts, split into what policies learn from and what they are judged on. */
async function readPrompts(
  flags: ReplayFlags,
): Promise<{ train: PromptRecord[]; evaluation: PromptRecord[] }> {
  const prompts = await readRouterBench(flags.prompts);
  if (flags.train.length > 0) return { train: await readRouterBench(flags.train), evaluation: prompts };
  return splitPrompts(prompts, EVALUATION_SHARE, createSeededRandom(flags.seed, 0));
}

/** Replay inputs: the request sequence every policy is sent, and the training rows. */
async function prepareWorkload(flags: ReplayFlags) {
  const [arrivals, { train, evaluation }] = await Promise.all([
    readTraces([flags.trace]),
    readPrompts(flags),
  ]);
  const models = [...(evaluation[0]?.outcomes.keys() ?? [])].map(simulatedLlmOf);
  const workload = createReplayWorkload(arrivals, evaluation, {
    durationMs: flags.durationSeconds * 1_000,
    tiers: DEFAULT_TIERS,
    random: createSeededRandom(flags.seed, 1),
  });
  reportProgress(
    `${workload.length} requests over ${flags.durationSeconds} s of ${flags.trace}; ` +
      `${evaluation.length} evaluation and ${train.length} training prompts, ${models.length} models`,
  );
  return { workload, train, evaluation, models };
}

/** Registry, monitor, router and the workers, each worker hosting one replica of every model. */
async function startStack(
  context: RunContext,
  flags: ReplayFlags,
  inputs: {
    models: readonly SimulatedLlm[];
    train: readonly PromptRecord[];
    prompts: readonly PromptRecord[];
  },
  cleanup: CleanupStack,
) {
  const directory = await mkdtemp(join(tmpdir(), 'switchboard-replay-'));
  cleanup.add('outcome files', () => rm(directory, { recursive: true, force: true }));
  const outcomeFiles = await writeOutcomeFiles(directory, inputs.models, inputs.prompts);
  const specs = inputs.models.map((model) =>
    toLlmSpec(model, {
      outcomesFile: outcomeFiles.get(model.name) ?? '',
      speedup: flags.speedup,
      train: inputs.train,
    }),
  );
  // Switchboard is asked to match static's accuracy at the least cost: the floor is static's training accuracy.
  const qualityFloor = staticAccuracyOn(inputs.train, inputs.models);
  const database = await createTestDatabase(context.databaseUrl, { label: 'benchreplay' });
  cleanup.add('replay database', () => database.drop());
  const names = inputs.models.map((model) => model.name);
  return startSwitchboardStack(
    {
      natsUrl: context.natsUrl,
      databaseUrl: database.url,
      namespace: context.namespace,
      workers: Array.from({ length: flags.workers }, () => names),
      provision: (registry) => provisionLlms(registry, specs, toReplayRoute(inputs.models, qualityFloor)),
      readyNames: [...names, REPLAY_ROUTE],
      monitor: true,
    },
    cleanup,
  );
}

/** Runs every policy on the same workload, one after another, waiting for idle queues in between. */
async function runPolicies(
  flags: ReplayFlags,
  inputs: {
    workload: readonly ReplayRequest[];
    models: readonly SimulatedLlm[];
    train: readonly PromptRecord[];
  },
  client: GrpcClient<typeof GRPCInferenceService>,
  loadRecorder: LoadRecorder,
) {
  const policies: Partial<Record<PolicyName, PolicyResult>> = {};
  const outcomes: RequestOutcome[] = [];
  const samples: LoadSample[] = [];
  const random = createSeededRandom(flags.seed, 2);
  for (const policy of flags.policies) {
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
    });
    const capacity = flags.capacity
      ? await findCapacity({
          ...inputs,
          policy,
          choose,
          inFlight,
          client,
          loadRecorder,
          speedup: flags.speedup,
        })
      : null;
    policies[policy] = summarisePolicy(run.outcomes, run.durationMs, capacity);
    outcomes.push(...run.outcomes);
    samples.push(...run.samples);
  }
  return { policies, outcomes, samples };
}

/**
 * The replay benchmark: reads the trace and the prompts, starts Switchboard with the 11 simulated
 * LLMs, sends the same request sequence under every policy, and writes results.json, report.md and
 * the charts to `--out`.
 */
export async function runReplay(
  flags: ReplayFlags,
  environment: BenchEnvironment,
  cleanup: CleanupStack,
): Promise<void> {
  const inputs = await prepareWorkload(flags);
  const context = await prepareRun(environment, 'bench-replay', cleanup);
  const stack = await startStack(
    context,
    flags,
    { ...inputs, prompts: [...inputs.train, ...inputs.evaluation] },
    cleanup,
  );
  const client = createGrpcClient(GRPCInferenceService, stack.routerAddress);
  cleanup.add('router client', async () => client.close());
  const loadRecorder = new LoadRecorder(
    context.connection,
    createSubjectNames(context.namespace).monitorLoadSubject,
  );
  cleanup.add('load recorder', async () => loadRecorder.stop());
  const { policies, outcomes, samples } = await runPolicies(flags, inputs, client, loadRecorder);
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
