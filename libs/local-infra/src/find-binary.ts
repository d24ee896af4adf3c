import { accessSync, constants, readdirSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Finds an executable by name; returns its path, or undefined when it is not installed. */
export type BinaryLookup = (name: string) => string | undefined;

/** Where Debian and Ubuntu install the server binaries of each PostgreSQL major version. */
const DEBIAN_POSTGRES_ROOT = '/usr/lib/postgresql';

/** Options for {@link findBinary}. */
export interface FindBinaryOptions {
  /** Directories to search, in order. @default defaultBinaryDirectories() */
  readonly directories?: readonly string[];
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    // Missing or not executable: not a candidate, keep looking.
    return false;
  }
}

function compareVersionsDescending(left: string, right: string): number {
  const leftParts = left.split('.').map(Number);
  const rightParts = right.split('.').map(Number);
  for (let index = 0; index < Math.max(leftParts.length, rightParts.length); index += 1) {
    const difference = (rightParts[index] ?? 0) - (leftParts[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/**
 * Lists `<root>/<version>/bin` for every installed PostgreSQL major version, newest first
 * (numerically: 16 before 9.6).
 * @default root DEBIAN_POSTGRES_ROOT
 */
export function postgresBinDirectories(root: string = DEBIAN_POSTGRES_ROOT): string[] {
  let entries: string[];
  try {
    entries = readdirSync(root);
  } catch {
    // No Debian-style PostgreSQL installation; PATH may still have one.
    return [];
  }
  return entries
    .filter((entry) => /^\d+(\.\d+)*$/.test(entry))
    .sort(compareVersionsDescending)
    .map((version) => join(root, version, 'bin'));
}

/**
 * The directories {@link findBinary} searches by default: PATH, then the sbin directories
 * Debian puts daemons such as nats-server in (often not on a user's PATH), then the
 * versioned PostgreSQL directories, newest first.
 * @param pathVariable the PATH to search. Read here, like the shell would, because a binary
 *   lookup is the one place where the process environment is the input by definition.
 */
export function defaultBinaryDirectories(pathVariable: string = process.env['PATH'] ?? ''): string[] {
  const fromPath = pathVariable.split(delimiter).filter((directory) => directory !== '');
  return [...fromPath, '/usr/local/sbin', '/usr/sbin', '/sbin', ...postgresBinDirectories()];
}

/**
 * Finds the executable `name` in the first directory that has it.
 * @returns its path, or undefined when no directory has an executable file of that name
 */
export function findBinary(name: string, options: FindBinaryOptions = {}): string | undefined {
  const directories = options.directories ?? defaultBinaryDirectories();
  for (const directory of directories) {
    const candidate = join(directory, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}
