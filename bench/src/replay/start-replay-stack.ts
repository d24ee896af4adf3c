import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase } from '@switchboard/testkit';
import type { CleanupStack } from '../shared/cleanup-stack.js';
import type { RunContext } from '../shared/prepare-run.js';
import { startSwitchboardStack } from '../shared/start-switchboard-stack.js';
import type { SimulatedLlm } from './llm-catalogue.js';
import { REPLAY_ROUTES, staticAccuracyOn } from './policies.js';
import { provisionLlms, toLlmSpec, toReplayRoutes, writeOutcomeFiles } from './provision-llms.js';
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
  /** Worker processes, each hosting one replica of every model. */
  readonly workers: number;
  /** Also starts the optimizer, for the learned route. */
  readonly optimizer: boolean;
}

/**
 * Registry, monitor, router, the workers — each hosting one replica of every model — and, for the
 * `switchboard` policy, the optimizer; the replay's two routes registered. Returns the stack and
 * the registry entry of each model, by position in `inputs.models`.
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
    }),
  );
  const routes = toReplayRoutes(inputs.models, staticAccuracyOn(inputs.train, inputs.models));
  const database = await createTestDatabase(context.databaseUrl, { label: 'benchreplay' });
  cleanup.add('replay database', () => database.drop());
  const names = inputs.models.map((model) => model.name);
  const stack = await startSwitchboardStack(
    {
      natsUrl: context.natsUrl,
      databaseUrl: database.url,
      namespace: context.namespace,
      workers: Array.from({ length: options.workers }, () => names),
      provision: (registry) => provisionLlms(registry, specs, routes),
      readyNames: [...names, ...routes.map((route) => route.name)],
      monitor: true,
      ...(options.optimizer ? { optimizer: { routes: [REPLAY_ROUTES.learned] } } : {}),
    },
    cleanup,
  );
  return { ...stack, specs };
}
