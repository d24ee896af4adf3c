import { CleanupStack } from './cleanup-stack.js';
import type { BenchEnvironment } from './prepare-run.js';

const EXIT_FAILURE = 1;
const EXIT_USAGE = 2;
/** 128 + SIGINT, what a shell reports for a program stopped with Ctrl-C. */
const EXIT_INTERRUPTED = 130;

/** What a benchmark's entry point hands to {@link runBenchmark}. */
export interface BenchmarkDefinition<Flags extends { readonly help: boolean }> {
  /** The name `pnpm bench` knows it by, for error messages. */
  readonly name: string;
  /** Printed for --help and after a malformed flag. */
  readonly usage: string;
  /** Parses the command line (without `node` and the script). @throws Error naming a bad flag. */
  readonly parseFlags: (args: readonly string[]) => Flags;
  /** Runs the benchmark; everything it starts goes on `cleanup`, which is run afterwards whatever happens. */
  readonly run: (flags: Flags, environment: BenchEnvironment, cleanup: CleanupStack) => Promise<void>;
}

function readFlags<Flags extends { readonly help: boolean }>(definition: BenchmarkDefinition<Flags>): Flags {
  try {
    return definition.parseFlags(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${definition.usage}\n`);
    process.exit(EXIT_USAGE);
  }
}

/**
 * The life of a benchmark process: parse flags (exit 2 on a bad one, 0 after --help), run with
 * NATS_URL / DATABASE_URL from the environment, and tear down everything it started on completion,
 * on failure (exit 1) and on Ctrl-C or SIGTERM (exit 130).
 */
export async function runBenchmark<Flags extends { readonly help: boolean }>(
  definition: BenchmarkDefinition<Flags>,
): Promise<void> {
  const flags = readFlags(definition);
  if (flags.help) {
    process.stdout.write(`${definition.usage}\n`);
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
    const environment = {
      natsUrl: process.env['NATS_URL'] ?? '',
      databaseUrl: process.env['DATABASE_URL'] ?? '',
    };
    await definition.run(flags, environment, cleanup);
  } catch (error) {
    process.stderr.write(
      `${definition.name} failed: ${error instanceof Error ? error.stack : String(error)}\n`,
    );
    process.exitCode = EXIT_FAILURE;
  } finally {
    await cleanup.run();
  }
}
