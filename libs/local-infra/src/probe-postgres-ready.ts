import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Line 8 of postmaster.pid holds the server status (PostgreSQL 10 and later). */
const STATUS_LINE_INDEX = 7;

/**
 * Reads the status the postmaster writes into `postmaster.pid`. It says `ready` only once
 * the server accepts queries; a TCP connect succeeds earlier and then fails with
 * "the database system is starting up".
 * @returns true when the server in `dataDirectory` reports itself ready
 */
export async function probePostgresReady(dataDirectory: string): Promise<boolean> {
  try {
    const content = await readFile(join(dataDirectory, 'postmaster.pid'), 'utf8');
    return content.split('\n')[STATUS_LINE_INDEX]?.trim() === 'ready';
  } catch {
    // The file appears a moment after the process starts; not there yet means not ready.
    return false;
  }
}
