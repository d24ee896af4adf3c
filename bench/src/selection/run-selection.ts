import { basename } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createGrpcClient } from '@switchboard/grpc';
import { createSubjectNames, deleteNamespaceStreams } from '@switchboard/nats';
import { GRPCInferenceService } from '@switchboard/protocol';
import type { ModelInferRequest } from '@switchboard/protocol';
import { createTestDatabase } from '@switchboard/testkit';
import type { CleanupStack } from '../shared/cleanup-stack.js';
import { describeMachine } from '../shared/describe-machine.js';
import { prepareRun } from '../shared/prepare-run.js';
import type { BenchEnvironment, RunContext } from '../shared/prepare-run.js';
import { reportProgress } from '../shared/report-progress.js';
import { startSwitchboardStack } from '../shared/start-switchboard-stack.js';
import { chooseTargets, STRATEGY_DESCRIPTIONS } from './choose-targets.js';
import type { Strategy } from './choose-targets.js';
import { createInferRequests } from './create-infer-requests.js';
import { createWorkload } from './create-workload.js';
import type { WorkloadRequest } from './create-workload.js';
import { describeWorkload } from './describe-workload.js';
import { formatDecisionTimings, formatStrategyResults } from './format-selection-results.js';
import { LoadRecorder } from '../shared/load-recorder.js';
import { measureDecisionTime } from './measure-decision-time.js';
import { measurePromptDecisionTime } from './measure-prompt-decision-time.js';
import { MODEL_ZOO, modelsOf, ROUTE_BY_MODALITY, TIERS } from './model-zoo.js';
import type { SelectionFlags } from './parse-selection-flags.js';
import { createPoissonArrivals, POISSON_RATE_PER_SECOND } from './poisson-arrivals.js';
import { createTenantKeys, provisionZoo } from './provision-zoo.js';
import type { TenantKeys } from './provision-zoo.js';
import { readTraces } from '../shared/read-trace.js';
import type { TraceArrival } from '../shared/read-trace.js';
import { replayWorkload } from './replay-workload.js';
import type { InferenceClient, RequestOutcome } from './replay-workload.js';
import { createSeededRandom } from '../shared/seeded-random.js';
import { summariseOutcomes } from './summarise-outcomes.js';
import type { StrategySummary } from './summarise-outcomes.js';
import { toSelectionResults, writeSelectionResults } from './write-selection-results.js';

/** Independent random streams of one seed: the mix, the Poisson stand-in, the random strategy. */
const WORKLOAD_STREAM = 0;
const POISSON_STREAM = 1;
const RANDOM_STRATEGY_STREAM = 2;
/** Longest wait for the queues to empty between strategies. */
const DRAIN_TIMEOUT_MS = 30_000;
/** Untimed decisions before the timed ones. */
const DECISION_WARMUP_CALLS = 5_000;

/** The workload and a phrase saying where its arrivals came from. */
interface LoadedWorkload {
  readonly workload: WorkloadRequest[];
  readonly source: string;
}

function isMissingFile(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}

async function readArrivals(flags: SelectionFlags, windowEndMs: number) {
  const names = flags.traces.map((path) => basename(path)).join(' + ');
  try {
    return { arrivals: await readTraces(flags.traces), source: names };
  } catch (error) {
    if (!isMissingFile(error)) throw error;
    reportProgress(`trace not found (${(error as Error).message}); using seeded Poisson arrivals instead`);
    const arrivals: TraceArrival[] = createPoissonArrivals(
      windowEndMs,
      createSeededRandom(flags.seed, POISSON_STREAM),
    );
    return {
      arrivals,
      source: `seeded Poisson arrivals at ${POISSON_RATE_PER_SECOND} req/s (trace ${names} not found)`,
    };
  }
}

/**
 * Reads the trace (or its Poisson stand-in) and builds the workload of the chosen window.
 * @throws Error when the window holds no request.
 */
async function loadWorkload(flags: SelectionFlags): Promise<LoadedWorkload> {
  const startMs = flags.traceStartSeconds * 1000;
  const durationMs = flags.seconds * flags.speedup * 1000;
  const { arrivals, source } = await readArrivals(flags, startMs + durationMs);
  const random = createSeededRandom(flags.seed, WORKLOAD_STREAM);
  const workload = createWorkload(arrivals, { startMs, durationMs, speedup: flags.speedup }, random);
  if (workload.length === 0) {
    throw new Error(
      `the trace has no request between ${startMs / 1000} s and ${(startMs + durationMs) / 1000} s: lower --trace-start`,
    );
  }
  const window = `trace ${startMs / 1000}–${(startMs + durationMs) / 1000} s at ${flags.speedup}× speed, seed ${flags.seed}`;
  return { workload, source: `${source}, ${window}` };
}

/** Starts Switchboard with the zoo: text models on one worker, image and structured on another, and the monitor. */
async function startZooStack(context: RunContext, keys: TenantKeys, cleanup: CleanupStack) {
  const database = await createTestDatabase(context.databaseUrl, { label: 'benchselection' });
  cleanup.add('benchmark database', () => database.drop());
  return startSwitchboardStack(
    {
      natsUrl: context.natsUrl,
      databaseUrl: database.url,
      namespace: context.namespace,
      workers: [modelsOf('text'), [...modelsOf('image'), ...modelsOf('structured')]].map((models) =>
        models.map((model) => model.name),
      ),
      provision: (registry) => provisionZoo(registry, keys),
      readyNames: [...MODEL_ZOO.map((model) => model.name), ...Object.values(ROUTE_BY_MODALITY)],
      // The router requires keys, on ModelReady as on ModelInfer.
      readyProbeMetadata: { authorization: `Bearer ${keys.standard}` },
      routerEnvironment: { ROUTER_AUTH: 'required', ROUTER_TIERS: JSON.stringify(TIERS) },
      monitor: true,
    },
    cleanup,
  );
}

/** What every replay of the run shares. */
interface Replay {
  readonly client: InferenceClient;
  readonly workload: readonly WorkloadRequest[];
  readonly requests: readonly ModelInferRequest[];
  readonly keys: TenantKeys;
  readonly recorder: LoadRecorder;
}

/** Waits for the queues to empty, so the next strategy starts on an idle system. */
async function drain(replay: Replay): Promise<void> {
  if (!(await replay.recorder.waitUntilIdle(DRAIN_TIMEOUT_MS))) {
    reportProgress(`queues not empty after ${DRAIN_TIMEOUT_MS / 1000} s; going on`);
  }
  // The monitor reports every 250 ms; a second more lets stragglers (acks, telemetry) settle.
  await sleep(1_000);
}

/** Replays the workload once per strategy, in order, draining in between. */
async function replayStrategies(replay: Replay, flags: SelectionFlags) {
  const summaries = new Map<Strategy, StrategySummary>();
  const outcomes: RequestOutcome[][] = [];
  for (const strategy of flags.strategies) {
    reportProgress(`replaying ${replay.workload.length} requests: ${strategy}`);
    const targets = chooseTargets(
      strategy,
      replay.workload,
      createSeededRandom(flags.seed, RANDOM_STRATEGY_STREAM),
    );
    if (strategy === 'switchboard') replay.recorder.resetBusiest();
    const strategyOutcomes = await replayWorkload({ ...replay, targets });
    summaries.set(strategy, summariseOutcomes(replay.workload, strategyOutcomes));
    outcomes.push(strategyOutcomes);
    await drain(replay);
  }
  return { summaries, outcomes };
}

/** The answers of the run as service-time observations, the way the router learns from them. */
function toObservations(workload: readonly WorkloadRequest[], outcomes: readonly RequestOutcome[][]) {
  return outcomes.flatMap((strategyOutcomes) =>
    strategyOutcomes.flatMap((outcome, index) =>
      outcome.model === undefined
        ? []
        : [
            {
              model: outcome.model,
              complexity: workload[index]?.complexity ?? 0,
              serviceMs: outcome.executeMs,
            },
          ],
    ),
  );
}

function printHeader(flags: SelectionFlags, loaded: LoadedWorkload): void {
  const strategies = flags.strategies.map(
    (strategy) => `  ${strategy.padEnd(13)}${STRATEGY_DESCRIPTIONS[strategy]}`,
  );
  process.stdout.write(
    `\nselection: ${flags.strategies.length} strategies, one after another, each replaying the same workload open-loop\n` +
      `${describeWorkload(loaded.workload, flags.seconds, loaded.source)}\n${strategies.join('\n')}\n\n`,
  );
}

/**
 * Times the router's decision on a route of 11 text models with 2 KB prompts, by its rules and by a
 * learned policy, in a namespace of its own (registry bucket, policy store) deleted afterwards.
 */
async function timePromptDecisions(context: RunContext, flags: SelectionFlags, cleanup: CleanupStack) {
  const namespace = `${context.namespace}policy`;
  cleanup.add('policy timing streams', async () => {
    await deleteNamespaceStreams(context.connection, namespace);
  });
  reportProgress(`timing ${flags.decisions} decisions of a 2 KB prompt by rules and by a learned policy`);
  return measurePromptDecisionTime({
    connection: context.connection,
    namespace,
    calls: flags.decisions,
    warmupCalls: DECISION_WARMUP_CALLS,
    seed: flags.seed,
  });
}

/**
 * Runs the selection benchmark: starts Switchboard with the synthetic zoo on a database of its own,
 * replays the workload under each strategy, prints the comparison (ratios to static), times the
 * router's selection in-process — the workload's requests by their routes' rules, and 2 KB prompts
 * by rules and by a learned policy side by side — names the machine and writes results.json.
 * Whatever it starts is added to `cleanup`.
 * @throws when infrastructure or a service cannot be started, or the trace is malformed.
 */
export async function runSelection(
  flags: SelectionFlags,
  environment: BenchEnvironment,
  cleanup: CleanupStack,
): Promise<void> {
  const loaded = await loadWorkload(flags);
  const context = await prepareRun(environment, 'bench-selection', cleanup);
  const keys = createTenantKeys();
  const stack = await startZooStack(context, keys, cleanup);
  const client = createGrpcClient(GRPCInferenceService, stack.routerAddress);
  cleanup.add('router client', async () => client.close());
  const recorder = new LoadRecorder(
    context.connection,
    createSubjectNames(context.namespace).monitorLoadSubject,
  );
  cleanup.add('load recorder', async () => recorder.stop());
  const replay: Replay = {
    client,
    workload: loaded.workload,
    requests: createInferRequests(loaded.workload),
    keys,
    recorder,
  };
  printHeader(flags, loaded);
  reportProgress(`warming up for ${flags.warmupSeconds} s (round-robin, not recorded)`);
  const warmupTargets = chooseTargets('round-robin', loaded.workload, createSeededRandom(flags.seed));
  await replayWorkload({ ...replay, targets: warmupTargets, untilMs: flags.warmupSeconds * 1000 });
  await drain(replay);
  const { summaries, outcomes } = await replayStrategies(replay, flags);
  process.stdout.write(`${formatStrategyResults(summaries)}\n\n`);
  reportProgress(`timing ${flags.decisions} in-process decisions`);
  const timing = await measureDecisionTime({
    connection: context.connection,
    namespace: context.namespace,
    workload: loaded.workload,
    requests: replay.requests,
    calls: flags.decisions,
    warmupCalls: DECISION_WARMUP_CALLS,
    load: recorder.busiest,
    observations: toObservations(loaded.workload, outcomes),
  });
  const prompts = await timePromptDecisions(context, flags, cleanup);
  const table = formatDecisionTimings(
    [
      { label: "the workload's requests on their routes, rules", timing },
      { label: `2 KB prompt, route of ${prompts.models} text models, rules`, timing: prompts.rules },
      { label: `2 KB prompt, route of ${prompts.models} text models, learned`, timing: prompts.learned },
      {
        label: '  + its propensity, estimated after answering',
        timing: prompts.propensity,
        onRequestPath: false,
      },
    ],
    prompts,
  );
  const machine = describeMachine(context.infrastructure);
  process.stdout.write(`${table}\n  prompts: ${prompts.promptSource}\n\n${machine}\n`);
  const path = await writeSelectionResults(
    flags.out,
    toSelectionResults(summaries, timing, prompts, machine),
  );
  reportProgress(`wrote ${path}`);
}
