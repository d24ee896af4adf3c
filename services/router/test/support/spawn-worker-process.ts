import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestSystem } from './test-system.js';

const WORKER_MAIN = fileURLToPath(new URL('../../../worker/dist/main.js', import.meta.url));

/**
 * Starts a worker as its own process (`worker/dist/main.js`) in `system`'s namespace, heartbeating
 * every 200 ms, so a test can signal or kill it. The caller ends it.
 */
export function spawnWorkerProcess(system: TestSystem, environment: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [WORKER_MAIN], {
    env: { ...process.env, ...system.environment, WORKER_HEARTBEAT_INTERVAL: '200ms', ...environment },
    stdio: 'ignore',
  });
}
