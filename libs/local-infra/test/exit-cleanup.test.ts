import { execFile } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { isProcessAlive } from './process-table.js';

const execFileAsync = promisify(execFile);

/**
 * A parent process that starts nats-server, reports it, then ends as `ending` says. It must
 * be a separate Node process that really dies, so it runs the built package (build first, as
 * the test task's ^build dependency does).
 */
function parentScript(ending: string): string {
  const entry = JSON.stringify(new URL('../dist/index.js', import.meta.url).href);
  return `
    const { startLocalNats } = await import(${entry});
    const nats = await startLocalNats();
    process.stdout.write(JSON.stringify({ pid: nats.pid, directory: nats.directory }));
    ${ending}
  `;
}

async function runParent(ending: string): Promise<{ pid: number; directory: string }> {
  const result = await execFileAsync(process.execPath, [
    '--input-type=module',
    '--eval',
    parentScript(ending),
  ]).catch(
    // A parent killed by a signal "fails"; what it printed before dying is all we need.
    (error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }),
  );
  return JSON.parse(result.stdout) as { pid: number; directory: string };
}

async function waitForDeath(pid: number): Promise<void> {
  for (let attempt = 0; attempt < 100 && isProcessAlive(pid); attempt += 1) await delay(20);
}

describe('a throwaway server whose parent ends without stopping it', () => {
  it('is killed and its directory removed when the parent exits normally', async () => {
    const server = await runParent('process.exit(0);');

    await waitForDeath(server.pid);

    expect(isProcessAlive(server.pid)).toBe(false);
    expect(existsSync(server.directory)).toBe(false);
  });

  it('is killed when the parent is killed by a signal, which skips exit handlers', async () => {
    const server = await runParent("process.kill(process.pid, 'SIGKILL');");
    try {
      await waitForDeath(server.pid);

      expect(isProcessAlive(server.pid)).toBe(false);
    } finally {
      // Nothing in a SIGKILLed parent can remove the directory; this test cleans up after it.
      rmSync(server.directory, { recursive: true, force: true });
    }
  });
});
