import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { CleanupStack } from '../shared/cleanup-stack.js';
import { describeMachine } from '../shared/describe-machine.js';
import { findNatsServerProcess } from '../shared/find-listening-pid.js';
import { prepareRun } from '../shared/prepare-run.js';
import type { BenchEnvironment, RunContext } from '../shared/prepare-run.js';
import { reportProgress } from '../shared/report-progress.js';
import { describeBackgroundLoad } from './describe-background-load.js';
import { comparePaths, formatConcurrencyResults } from './format-results.js';
import { measurePaths } from './measure-paths.js';
import type { BenchPath, PathMeasurement } from './measure-paths.js';
import { checkTargets, formatTargets } from './overhead-targets.js';
import type { OverheadFlags } from './parse-overhead-flags.js';
import {
  startGrpcServerPath,
  startNatsPath,
  startRestPath,
  startSwitchboard,
  startSwitchboardPath,
} from './start-paths.js';
import type { SwitchboardDoors } from './start-paths.js';

/**
 * Starts the chosen paths in order; (c) and (d) share one Switchboard. (b), (c) and (d) are also
 * billed the NATS server's CPU time.
 */
async function startPaths(keys: readonly string[], context: RunContext, cleanup: CleanupStack) {
  const { natsUrl, databaseUrl, namespace, connection } = context;
  const natsProcess = findNatsServerProcess(natsUrl);
  const natsServer = natsProcess === undefined ? [] : [natsProcess];
  const withNats = (path: BenchPath): BenchPath => ({
    ...path,
    processes: [...path.processes, ...natsServer],
  });
  const subject = `${namespace}.bench.echo`;
  let switchboard: Promise<SwitchboardDoors> | undefined;
  const doors = () => (switchboard ??= startSwitchboard({ natsUrl, databaseUrl, namespace }, cleanup));
  const starters: Record<string, () => Promise<BenchPath>> = {
    a: () => startGrpcServerPath(cleanup),
    b: async () => withNats(await startNatsPath({ connection, natsUrl, subject }, cleanup)),
    c: async () => withNats(await startSwitchboardPath(await doors(), cleanup)),
    d: async () => withNats(await startRestPath(await doors(), cleanup)),
  };
  const paths: BenchPath[] = [];
  for (const key of keys) {
    const start = starters[key];
    if (start !== undefined) paths.push(await start());
  }
  return paths;
}

/** The machine's 1-minute load average, two decimals: what else ran, as `uptime` shows it. */
const loadAverage = () => Number((loadavg()[0] ?? 0).toFixed(2));

/**
 * Runs the overhead benchmark: starts the chosen paths of (a), (b), (c) and (d), measures them in
 * interleaved rounds at every chosen concurrency, prints one table per concurrency, the targets and
 * a machine note on stdout, and writes the same figures to `<out>/results.json`. Whatever it starts
 * is added to `cleanup`; the caller runs it.
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
  const startedAt = new Date().toISOString();
  const loadAtStart = loadAverage();
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
  const targets = checkTargets(measurements);
  process.stdout.write(`${formatTargets(targets)}\n\n${machine}\n${background ?? ''}\n`);
  const comparisons = flags.concurrencies.flatMap((concurrency) =>
    comparePaths(measurements.filter((measurement) => measurement.concurrency === concurrency)),
  );
  const results = {
    started_at: startedAt,
    flags: {
      seconds,
      warmup_seconds: warmupSeconds,
      rounds,
      paths: flags.paths,
      concurrency: flags.concurrencies,
    },
    paths: measurements.map(({ firstError, ...measurement }) => ({
      ...measurement,
      ...(firstError === undefined ? {} : { firstError: String(firstError) }),
    })),
    comparisons,
    targets,
    machine,
    other_load: background ?? null,
    load_average_1m: { start: loadAtStart, end: loadAverage() },
  };
  await mkdir(flags.out, { recursive: true });
  await writeFile(join(flags.out, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`results: ${join(flags.out, 'results.json')}\n`);
}
