import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readPositiveNumber, readWholeNumber } from '../shared/read-flag-value.js';

/** The overhead benchmark's settings. */
export interface OverheadFlags {
  /** Measured time per path and concurrency, in seconds. @default 5 */
  readonly seconds: number;
  /** Unrecorded load before each measurement, in seconds. @default 2 */
  readonly warmupSeconds: number;
  /** The measured time is split into this many rounds that take the paths in turn. @default 5 */
  readonly rounds: number;
  /** Keys of the paths to run, in order ('a', 'b', 'c', 'd'). @default ['a', 'b', 'c', 'd'] */
  readonly paths: readonly string[];
  /** Concurrencies to measure at. @default the target concurrencies, [1, 64] */
  readonly concurrencies: readonly number[];
  /** Where results.json goes. @default bench/results/overhead */
  readonly out: string;
  readonly help: boolean;
}

/** Usage text for --help and for malformed flags. */
export const OVERHEAD_USAGE = `usage: pnpm bench overhead [--seconds N] [--warmup-seconds N] [--rounds N]
                          [--paths a,b,c,d] [--concurrency 1,64] [--out DIR]
  --seconds N          measured seconds per path and concurrency (default 5)
  --warmup-seconds N   unrecorded warm-up seconds per path before measuring (default 2)
  --rounds N           split the measured time into N rounds taking the paths in turn (default 5)
  --paths LIST         a (grpc-js OIP server), b (bare NATS), c (Switchboard over gRPC),
                       d (Switchboard over HTTP/REST); default a,b,c,d
  --concurrency LIST   requests in flight to measure at (default 1,64: the targets are stated at these)
  --out DIR            where results.json goes (default bench/results/overhead)
Uses NATS_URL / DATABASE_URL when set, else starts throwaway servers from local binaries.`;

const PATH_KEYS: readonly string[] = ['a', 'b', 'c', 'd'];
/** bench/results/overhead, found from this file (bench/dist/overhead/) so the cwd does not matter. */
const DEFAULT_OUT = fileURLToPath(new URL('../../results/overhead', import.meta.url));
/** More lanes than this measure the client, not the paths. */
const MAX_CONCURRENCY = 1024;

function pathList(text: string | undefined): string[] {
  if (text === undefined) return [...PATH_KEYS];
  const keys = text.split(',').map((key) => key.trim());
  if (keys.some((key) => !PATH_KEYS.includes(key))) {
    throw new Error(`--paths takes a list of a, b, c, d; got "${text}" (example: --paths a,c)`);
  }
  return PATH_KEYS.filter((key) => keys.includes(key));
}

function concurrencyList(text: string | undefined, fallback: readonly number[]): number[] {
  if (text === undefined) return [...fallback];
  const values = text.split(',').map(Number);
  if (!values.every((value) => Number.isInteger(value) && value >= 1 && value <= MAX_CONCURRENCY)) {
    throw new Error(
      `--concurrency takes whole numbers from 1 to ${MAX_CONCURRENCY}; got "${text}" (example: --concurrency 1,16,64)`,
    );
  }
  return values;
}

/**
 * Parses the command line (without `node` and the script); `defaultConcurrencies` applies when
 * --concurrency is not given.
 * @throws Error naming the flag when a flag is unknown or its value is malformed.
 */
export function parseOverheadFlags(
  args: readonly string[],
  defaultConcurrencies: readonly number[],
): OverheadFlags {
  const { values } = parseArgs({
    args: [...args],
    options: {
      seconds: { type: 'string' },
      'warmup-seconds': { type: 'string' },
      rounds: { type: 'string' },
      paths: { type: 'string' },
      concurrency: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  return {
    seconds: readPositiveNumber('seconds', values.seconds, 5),
    warmupSeconds: readPositiveNumber('warmup-seconds', values['warmup-seconds'], 2),
    rounds: readWholeNumber('rounds', values.rounds, 5),
    paths: pathList(values.paths),
    concurrencies: concurrencyList(values.concurrency, defaultConcurrencies),
    out: values.out ?? DEFAULT_OUT,
    help: values.help === true,
  };
}
