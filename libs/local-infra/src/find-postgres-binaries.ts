import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { findBinary } from './find-binary.js';
import type { BinaryLookup } from './find-binary.js';

/** The two PostgreSQL server programs a throwaway cluster needs. */
export interface PostgresBinaries {
  readonly initdb: string;
  readonly postgres: string;
}

/**
 * Finds `initdb` and the `postgres` server of the same installation: the one next to
 * initdb if there is one, so a cluster is never initialised by one major version and
 * served by another.
 * @returns undefined when either program is missing
 */
export function findPostgresBinaries(lookup: BinaryLookup = findBinary): PostgresBinaries | undefined {
  const initdb = lookup('initdb');
  if (initdb === undefined) return undefined;
  const sibling = join(dirname(initdb), 'postgres');
  const postgres = existsSync(sibling) ? sibling : lookup('postgres');
  return postgres === undefined ? undefined : { initdb, postgres };
}
