import { fileURLToPath } from 'node:url';

/** The absolute path of `relative`, a path from the repository root. */
export function repositoryPath(relative: string): string {
  return fileURLToPath(new URL(`../../../${relative}`, import.meta.url));
}
