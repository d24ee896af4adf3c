import { setTimeout as sleep } from 'node:timers/promises';
import { createGrpcClient } from '@switchboard/grpc';
import type { GrpcClient } from '@switchboard/grpc';
import { GRPCInferenceService } from '@switchboard/protocol';
import type { Command } from 'commander';
import type { CommandContext } from '../command-context.js';
import { explainUnreachable } from '../explain-unreachable.js';
import { parseDurationMs } from '../parse-flag-values.js';
import { DEMO_ROUTE, demoModelsNotReady, registerDemoModels, sendDemoRequest } from '../system/run-demo.js';

/** Pause between attempts while the registry starts or the workers load the classifiers. */
const RETRY_INTERVAL_MS = 1_000;

interface DemoOptions {
  router: string;
  artifactDir: string | undefined;
  request: boolean;
  wait: number;
}

/**
 * Adds `demo`: registers the generated classifiers and the `classify` route in a running system
 * (what `up --demo` does for the system it starts), waits for workers to serve both classifiers,
 * then sends one request through the router and prints the answer. Each step is retried until
 * `--wait` has passed: the registry may still be starting and the workers loading the models; when
 * the wait runs out with only one classifier served, the request still goes, and the output says so.
 */
export function registerDemoCommand(program: Command, context: CommandContext): void {
  program
    .command('demo')
    .description(
      `register the demo classifiers and the ${DEMO_ROUTE} route, then send a request through the router`,
    )
    .option('--router <host:port>', 'the router (env SWITCHBOARD_ROUTER)', context.config.routerAddress)
    .option(
      '--artifact-dir <dir>',
      "where the workers find the classifiers' .onnx files, when not where this install keeps them (env SWITCHBOARD_DEMO_ARTIFACT_DIR)",
      context.config.demoArtifactDirectory,
    )
    .option('--no-request', 'only register, send nothing')
    .option('--wait <duration>', 'how long to keep trying each step, e.g. 30s, 2m', parseDurationMs, 60_000)
    .action(async (options: DemoOptions) => runDemoCommand(options, program, context));
}

async function runDemoCommand(
  options: DemoOptions,
  program: Command,
  context: CommandContext,
): Promise<void> {
  const out = context.io.stdout;
  const deadline = Date.now() + options.wait;
  const registryAddress = program.opts<{ registry: string }>().registry;
  const models = await retryUntil(deadline, () =>
    explainUnreachable(
      registerDemoModels(context.registry(), options.artifactDir),
      'registry',
      registryAddress,
      'set --registry or SWITCHBOARD_REGISTRY',
    ),
  );
  out.write(`registered ${models.join(', ')} and the route ${DEMO_ROUTE}\n`);
  if (!options.request) return;
  const router = createGrpcClient(GRPCInferenceService, options.router, context.config.routerClientOptions);
  try {
    const notReady = await waitForModels(router, models, deadline);
    if (notReady.length > 0)
      out.write(
        `no worker serves ${notReady.join(', ')} yet; the request goes to the models that are served\n`,
      );
    await retryUntil(deadline, () =>
      explainUnreachable(
        sendDemoRequest(router, out),
        'router',
        options.router,
        'set --router or SWITCHBOARD_ROUTER',
      ),
    );
  } finally {
    router.close();
  }
}

/**
 * Waits, until `deadline` (epoch ms) at the latest, for workers to serve every model of the route.
 * @returns the models still not served then (none when all are); an unreachable router counts as
 *   none served yet.
 */
async function waitForModels(
  router: GrpcClient<typeof GRPCInferenceService>,
  models: readonly string[],
  deadline: number,
): Promise<string[]> {
  for (;;) {
    const notReady = await demoModelsNotReady(router, models, RETRY_INTERVAL_MS).catch(() => [...models]);
    if (notReady.length === 0 || Date.now() + RETRY_INTERVAL_MS > deadline) return notReady;
    await sleep(RETRY_INTERVAL_MS);
  }
}

/** Runs `attempt` until it resolves; once `deadline` (epoch ms) has passed, its last error is thrown. */
async function retryUntil<T>(deadline: number, attempt: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() + RETRY_INTERVAL_MS > deadline) throw error;
      await sleep(RETRY_INTERVAL_MS);
    }
  }
}
