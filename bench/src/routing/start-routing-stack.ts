import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase } from '@switchboard/testkit';
import { toLlmSpec, writeOutcomeFiles } from '../replay/provision-llms.js';
import { toPromptRecord } from '../replay/prompt-record.js';
import type { CleanupStack } from '../shared/cleanup-stack.js';
import type { RunContext } from '../shared/prepare-run.js';
import { startSwitchboardStack } from '../shared/start-switchboard-stack.js';
import type { RoutingInputs } from './prepare-routing-inputs.js';
import { ROUTING_ROUTES, toRoutingRoute } from './routing-models.js';

/**
 * Registry, router, optimizer and the workers, each worker hosting one replica of every simulated
 * LLM; the LLMs answer from outcome files built from the training and test rows, and are
 * registered with RouterBench's prices, their training accuracy as quality score and their timing
 * divided by `speedup`. One route per route-calling policy, all alike.
 */
export async function startRoutingStack(
  context: RunContext,
  inputs: RoutingInputs,
  options: { readonly speedup: number; readonly workers: number },
  cleanup: CleanupStack,
) {
  const directory = await mkdtemp(join(tmpdir(), 'switchboard-routing-'));
  cleanup.add('outcome files', () => rm(directory, { recursive: true, force: true }));
  const train = inputs.train.map((prompt) => toPromptRecord(prompt.record));
  const everything = [...train, ...inputs.test.map((prompt) => toPromptRecord(prompt.record))];
  const outcomeFiles = await writeOutcomeFiles(directory, inputs.llms, everything);
  const specs = inputs.llms.map((model) =>
    toLlmSpec(model, { outcomesFile: outcomeFiles.get(model.name) ?? '', speedup: options.speedup, train }),
  );
  const database = await createTestDatabase(context.databaseUrl, { label: 'benchrouting' });
  cleanup.add('routing database', () => database.drop());
  const names = inputs.llms.map((model) => model.name);
  const routes = Object.values(ROUTING_ROUTES);
  const stack = await startSwitchboardStack(
    {
      natsUrl: context.natsUrl,
      databaseUrl: database.url,
      namespace: context.namespace,
      workers: Array.from({ length: options.workers }, () => names),
      provision: async (registry) => {
        for (const model of specs) await registry.registerModel({ model });
        for (const route of routes) await registry.putRoute({ route: toRoutingRoute(route, inputs.llms) });
      },
      readyNames: [...names, ...routes],
      optimizer: { routes },
    },
    cleanup,
  );
  return { ...stack, specs };
}
