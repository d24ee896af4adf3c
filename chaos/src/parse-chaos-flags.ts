import { resolve } from 'node:path';

/** The suite's command line. */
export interface ChaosFlags {
  /** Shorter phases (the overload runs 15 s instead of 60 s); CI runs without it. */
  readonly quick: boolean;
  /** Absolute directory for results.json and the service logs. */
  readonly outDirectory: string;
  /** Scenario numbers to run; empty runs all. */
  readonly only: readonly number[];
  readonly help: boolean;
}

export const CHAOS_USAGE = `usage: pnpm test:chaos [--quick] [--out DIR] [--only 1,5,10]
  --quick      shorter phases for local runs (CI runs the full suite)
  --out DIR    where results.json and the service logs go (default: chaos/results)
  --only LIST  run only these scenarios, by number`;

/**
 * Reads the flags.
 * @throws Error naming a flag that is unknown, lacks its value or has a malformed one.
 */
export function parseChaosFlags(args: readonly string[], cwd: string): ChaosFlags {
  let quick = false;
  let help = false;
  let outDirectory = resolve(cwd, 'chaos/results');
  let only: number[] = [];
  for (let index = 0; index < args.length; index += 1) {
    const flag = args[index];
    const value = () => {
      const next = args[index + 1];
      if (next === undefined || next.startsWith('--')) throw new Error(`${flag} needs a value`);
      index += 1;
      return next;
    };
    if (flag === '--quick') quick = true;
    else if (flag === '--help' || flag === '-h') help = true;
    else if (flag === '--out') outDirectory = resolve(cwd, value());
    else if (flag === '--only') only = parseNumbers(value());
    // pnpm passes a lone `--` through when flags follow `pnpm test:chaos --`.
    else if (flag !== '--') throw new Error(`unknown flag ${flag}`);
  }
  return { quick, outDirectory, only, help };
}

function parseNumbers(list: string): number[] {
  return list.split(',').map((item) => {
    const number = Number(item);
    if (!Number.isInteger(number) || number < 1 || number > 10)
      throw new Error(`--only takes scenario numbers 1 to 10, e.g. --only 1,5; got "${item}"`);
    return number;
  });
}
