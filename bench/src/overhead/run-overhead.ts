import type { CleanupStack } from '../shared/cleanup-stack.js';
import { describeMachine } from '../shared/describe-machine.js';
import { findNatsServerProcess } from '../shared/find-listening-pid.js';
import { prepareRun } from '../shared/prepare-run.js';
import type { BenchEnvironment, RunContext } from '../shared/prepare-run.js';
import { reportProgress } from '../shared/report-progress.js';
import { describeBackgroundLoad } from './describe-background-load.js';
import { formatConcurrencyResults } from './format-results.js';
import { measurePaths } from './measure-paths.js';
import type { BenchPath, PathMeasurement } from './measure-paths.js';
import { evaluateTargets } from './overhead-targets.js';
import type { OverheadFlags } from './parse-overhead-flags.js';
import { startGrpcServerPath, startNatsPath, startSwitchboardPath } from './start-paths.js';

/** Starts the chosen paths in order; (b) and (c) are also billed the NATS server's CPU time. */
async function startPaths(keys: readonly string[], context: RunContext, cleanup: CleanupStack) {
  const { natsUrl, databaseUrl, namespace, connection } = context;
  const natsProcess = findNatsServerProcess(natsUrl);
  const natsServer = natsProcess === undefined ? [] : [natsProcess];
  const withNats = (path: BenchPath): BenchPath => ({
    ...path,
    processes: [...path.processes, ...natsServer],
  });
  const subject = `${namespace}.bench.echo`;
  const starters: Record<string, () => Promise<BenchPath>> = {
    a: () => startGrpcServerPath(cleanup),
    b: async () => withNats(await startNatsPath({ connection, natsUrl, subject }, cleanup)),
    c: async () => withNats(await startSwitchboardPath({ natsUrl, databaseUrl, namespace }, cleanup)),
  };
  const paths: BenchPath[] = [];
  for (const key of keys) {
    const start = starters[key];
    if (start !== undefined) paths.push(await start());
  }
  return paths;
}

/**
 * Runs the overhead benchmark: starts the chosen paths of (a), (b) and (c), measures them in
 * interleaved rounds at every chosen concurrency and prints one table per concurrency, the targets
 * and a machine note on stdout. Whatever it starts is added to `cleanup`; the caller runs it.
 * @throws when infrastructure or a path cannot be started.
 */
export async function runOverhead(
  flags: OverheadFlags,
  environment: BenchEnvironment,
  cleanup: CleanupStack,
): Promise<void> {
  const context = await prepareRun(environment, 'bench-overhead', cleanup);
  const paths = await startPaths(flags.paths, context, cleanup);
  const { seconds, warmupSeconds, rounds } = flags;
  const timing = { warmupMs: warmupSeconds * 1000, measureMs: seconds * 1000, rounds };
  const measurements: PathMeasurement[] = [];
  process.stdout.write(
    `\noverhead: ${seconds} s measured per path in ${rounds} interleaved rounds, after ${warmupSeconds} s warm-up\n\n`,
  );
  for (const concurrency of flags.concurrencies) {
    reportProgress(
      `measuring ${paths.map((path) => `(${path.key})`).join(' ')} at concurrency ${concurrency}`,
    );
    const current = await measurePaths(paths, concurrency, timing);
    measurements.push(...current);
    process.stdout.write(`${formatConcurrencyResults(concurrency, current)}\n\n`);
  }
  const background = describeBackgroundLoad(measurements);
  const machine = describeMachine(context.infrastructure);
  process.stdout.write(`${evaluateTargets(measurements)}\n\n${machine}\n${background ?? ''}\n`);
}
