import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase } from '@switchboard/testkit';
import type { CleanupStack } from '../shared/cleanup-stack.js';
import { managerEnvironment } from '../shared/manager-environment.js';
import type { RunContext } from '../shared/prepare-run.js';
import { startSwitchboardStack } from '../shared/start-switchboard-stack.js';
import type { SimulatedLlm } from './llm-catalogue.js';
import { REPLAY_ROUTES, staticAccuracyOn } from './policies.js';
import { PLACED_LLM, provisionLlms, toLlmSpec, toReplayRoutes, writeOutcomeFiles } from './provision-llms.js';
import type { PromptRecord } from './prompt-record.js';

/** What the replay's Switchboard is built from. */
export interface ReplayStackInputs {
  readonly models: readonly SimulatedLlm[];
  /** The training rows: the models' quality scores and static's accuracy (the rules route's floor). */
  readonly train: readonly PromptRecord[];
  /** Every prompt a model may be asked (training and evaluation): what its outcomes file holds. */
  readonly prompts: readonly PromptRecord[];
}

/** How the replay's Switchboard runs. */
export interface ReplayStackOptions {
  /** Simulated model time runs this many times faster. */
  readonly speedup: number;
  /** Worker processes: each hosting one replica of every model, or the resource manager's pool bound. */
  readonly workers: number;
  /** Also starts the optimizer, for the learned route. */
  readonly optimizer: boolean;
  /**
   * The resource manager (predictive policy, local driver) starts the workers and places the models
   * on them by demand, instead of fixed workers hosting every model.
   */
  readonly resourceManager: boolean;
}

/** Where the workers the resource manager starts write their logs, removed by `cleanup`. */
async function createLogDirectory(cleanup: CleanupStack): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'switchboard-replay-workers-'));
  cleanup.add('worker logs', () => rm(directory, { recursive: true, force: true }));
  return directory;
}

/**
 * Registry, monitor, router, the workers — fixed ones each hosting one replica of every model, or
 * those the resource manager starts and places — and, for the `switchboard` policy, the optimizer;
 * the replay's two routes registered. Returns the stack and the registry entry of each model, by
 * position in `inputs.models`.
 */
export async function startReplayStack(
  context: RunContext,
  inputs: ReplayStackInputs,
  options: ReplayStackOptions,
  cleanup: CleanupStack,
) {
  const directory = await mkdtemp(join(tmpdir(), 'switchboard-replay-'));
  cleanup.add('outcome files', () => rm(directory, { recursive: true, force: true }));
  const outcomeFiles = await writeOutcomeFiles(directory, inputs.models, inputs.prompts);
  const specs = inputs.models.map((model) =>
    toLlmSpec(model, {
      outcomesFile: outcomeFiles.get(model.name) ?? '',
      speedup: options.speedup,
      train: inputs.train,
      placed: options.resourceManager,
    }),
  );
  const routes = toReplayRoutes(inputs.models, staticAccuracyOn(inputs.train, inputs.models));
  const database = await createTestDatabase(context.databaseUrl, { label: 'benchreplay' });
  cleanup.add('replay database', () => database.drop());
  const names = inputs.models.map((model) => model.name);
  const manager = options.resourceManager
    ? {
        resourceManager: {
          environment: managerEnvironment('predictive', {
            speedup: options.speedup,
            maxWorkers: options.workers,
            workerMemoryBytes: PLACED_LLM.memoryBytes * inputs.models.length,
            logDirectory: await createLogDirectory(cleanup),
          }),
        },
      }
    : {};
  const stack = await startSwitchboardStack(
    {
      natsUrl: context.natsUrl,
      databaseUrl: database.url,
      namespace: context.namespace,
      workers: options.resourceManager ? [] : Array.from({ length: options.workers }, () => names),
      provision: (registry) => provisionLlms(registry, specs, routes),
      readyNames: [...names, ...routes.map((route) => route.name)],
      monitor: true,
      ...(options.optimizer ? { optimizer: { routes: [REPLAY_ROUTES.learned] } } : {}),
      ...manager,
    },
    cleanup,
  );
  return { ...stack, specs };
}
