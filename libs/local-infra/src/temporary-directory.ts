import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeOnExit } from './exit-cleanup.js';
import type { ServiceUser } from './service-user.js';

/** A directory created for one throwaway server. */
export interface TemporaryDirectory {
  readonly path: string;
  /** Removes the directory and everything in it. Safe to call more than once. */
  remove(): Promise<void>;
}

/**
 * Creates a fresh directory under `parent`, removed at the latest when this process exits.
 * @param owner account that must be able to write the directory (the server runs as it)
 */
export async function createTemporaryDirectory(
  prefix: string,
  parent: string = tmpdir(),
  owner?: ServiceUser,
): Promise<TemporaryDirectory> {
  const path = await mkdtemp(join(parent, prefix));
  const untrack = removeOnExit(path);
  const remove = async (): Promise<void> => {
    await rm(path, { recursive: true, force: true });
    untrack();
  };
  if (owner !== undefined) {
    try {
      await chown(path, owner.uid, owner.gid);
    } catch (error: unknown) {
      await remove();
      throw error;
    }
  }
  return { path, remove };
}
