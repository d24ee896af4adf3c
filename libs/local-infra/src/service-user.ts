import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { InfrastructureUnavailableError } from './infrastructure-unavailable-error.js';

const execFileAsync = promisify(execFile);

/** An operating-system account a server process runs as. */
export interface ServiceUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

async function readId(flag: '-u' | '-g', name: string): Promise<number> {
  const { stdout } = await execFileAsync('id', [flag, name]);
  return Number.parseInt(stdout.trim(), 10);
}

/**
 * Returns the account PostgreSQL must run as: `postgres` when this process is root (initdb
 * and postgres refuse to run as root), otherwise undefined, meaning the current user.
 * @throws {InfrastructureUnavailableError} when running as root and the account does not exist
 */
export async function resolvePostgresUser(name = 'postgres'): Promise<ServiceUser | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  try {
    return { name, uid: await readId('-u', name), gid: await readId('-g', name) };
  } catch (error: unknown) {
    throw new InfrastructureUnavailableError(
      `PostgreSQL refuses to run as root and there is no "${name}" user to run it as. ` +
        'Install PostgreSQL (Debian/Ubuntu: apt-get install postgresql, which creates the user), ' +
        'run as a non-root user, or set DATABASE_URL to an existing server.',
      { services: ['postgres'], cause: error },
    );
  }
}
