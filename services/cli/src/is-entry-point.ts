import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Whether the module at `moduleUrl` is the script node was started with (`scriptPath`, i.e.
 * process.argv[1]), following symlinks such as the one pnpm puts in node_modules/.bin. Lets main.ts
 * be imported by tests without running the CLI.
 */
export function isEntryPoint(moduleUrl: string, scriptPath: string | undefined): boolean {
  if (scriptPath === undefined) return false;
  try {
    return realpathSync(scriptPath) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    // A script path that does not exist (e.g. `node -e`) cannot be this module.
    return false;
  }
}
