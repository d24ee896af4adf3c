import { execFile } from 'node:child_process';
import { LocalProcessStartError } from './local-process-start-error.js';
import type { Logger } from './logger.js';
import type { ServiceUser } from './service-user.js';

/** Options for {@link initPostgresCluster}. */
export interface InitPostgresClusterOptions {
  readonly initdb: string;
  /** Data directory to create; its parent must be writable by `user`. */
  readonly dataDirectory: string;
  /** Working directory for initdb, readable by `user`. */
  readonly workingDirectory: string;
  readonly user?: ServiceUser;
  readonly logger?: Logger;
}

const INITDB_TIMEOUT_MS = 120_000;

/**
 * Creates a throwaway cluster with a `postgres` superuser and trust authentication.
 * `--no-sync` skips flushing to disk: the cluster is deleted after the run anyway.
 * @throws {LocalProcessStartError} when initdb fails
 */
export function initPostgresCluster(options: InitPostgresClusterOptions): Promise<void> {
  const { initdb, user } = options;
  const args = [
    '-D',
    options.dataDirectory,
    '-U',
    'postgres',
    '--auth=trust',
    '--encoding=UTF8',
    '--no-locale',
    '--no-sync',
  ];
  return new Promise((resolve, reject) => {
    execFile(
      initdb,
      args,
      {
        cwd: options.workingDirectory,
        timeout: INITDB_TIMEOUT_MS,
        ...(user === undefined ? {} : { uid: user.uid, gid: user.gid }),
      },
      (error, stdout, stderr) => {
        const output = `${stdout}${stderr}`.trimEnd();
        for (const line of output.split('\n')) options.logger?.(`[initdb] ${line}`);
        if (error === null) {
          resolve();
          return;
        }
        reject(
          new LocalProcessStartError(`${initdb} failed`, {
            command: initdb,
            output,
            exitCode: typeof error.code === 'number' ? error.code : null,
            cause: error,
          }),
        );
      },
    );
  });
}
