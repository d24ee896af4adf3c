/**
 * Benchmark `overhead`: latency and throughput of Switchboard's full path versus a plain OIP server.
 * Compares (a) a single-model grpc-js OIP server, (b) bare NATS request-reply and (c) router →
 * JetStream → worker → router, each at concurrency 1 and 64. See bench/README.md.
 */
import { CleanupStack } from './overhead/cleanup-stack.js';
import { TARGET_CONCURRENCIES } from './overhead/overhead-targets.js';
import { OVERHEAD_USAGE, parseOverheadFlags } from './overhead/parse-overhead-flags.js';
import type { OverheadFlags } from './overhead/parse-overhead-flags.js';
import { runOverhead } from './overhead/run-overhead.js';

const EXIT_FAILURE = 1;
const EXIT_USAGE = 2;
/** 128 + SIGINT, what a shell reports for a program stopped with Ctrl-C. */
const EXIT_INTERRUPTED = 130;

function readFlags(): OverheadFlags {
  try {
    return parseOverheadFlags(process.argv.slice(2), TARGET_CONCURRENCIES);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${OVERHEAD_USAGE}\n`);
    process.exit(EXIT_USAGE);
  }
}

const flags = readFlags();
if (flags.help) {
  process.stdout.write(`${OVERHEAD_USAGE}\n`);
  process.exit(0);
}

const cleanup = new CleanupStack();
const interrupt = (signal: NodeJS.Signals) => {
  process.stderr.write(`\n${signal}: stopping and cleaning up\n`);
  cleanup.run().then(
    () => process.exit(EXIT_INTERRUPTED),
    () => process.exit(EXIT_INTERRUPTED),
  );
};
process.once('SIGINT', interrupt);
process.once('SIGTERM', interrupt);

try {
  await runOverhead(
    flags,
    { natsUrl: process.env['NATS_URL'] ?? '', databaseUrl: process.env['DATABASE_URL'] ?? '' },
    cleanup,
  );
} catch (error) {
  process.stderr.write(`overhead failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = EXIT_FAILURE;
} finally {
  await cleanup.run();
}
