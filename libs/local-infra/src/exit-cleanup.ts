import { rmSync } from 'node:fs';

const pidsToKill = new Set<number>();
const directoriesToRemove = new Set<string>();
let handlerInstalled = false;

/**
 * Kills every tracked child and removes every tracked directory. Runs inside the 'exit'
 * event, where only synchronous work happens, hence SIGKILL and rmSync.
 */
function cleanUpSynchronously(): void {
  for (const pid of pidsToKill) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // The child has already gone; nothing left to kill.
    }
  }
  for (const directory of directoriesToRemove) {
    try {
      rmSync(directory, { recursive: true, force: true });
    } catch {
      // A dying process exits anyway; a leftover temp dir is not worth failing the exit.
    }
  }
}

function installHandler(): void {
  if (handlerInstalled) return;
  handlerInstalled = true;
  process.on('exit', cleanUpSynchronously);
}

/**
 * Makes sure `pid` is killed if this process exits while the child still runs, so throwaway
 * servers never outlive the test run or the demo that started them.
 * @returns a function that stops tracking the child (call it once the child has exited)
 */
export function killOnExit(pid: number): () => void {
  installHandler();
  pidsToKill.add(pid);
  return () => pidsToKill.delete(pid);
}

/**
 * Makes sure `directory` is removed if this process exits before it was cleaned up.
 * @returns a function that stops tracking the directory
 */
export function removeOnExit(directory: string): () => void {
  installHandler();
  directoriesToRemove.add(directory);
  return () => directoriesToRemove.delete(directory);
}
