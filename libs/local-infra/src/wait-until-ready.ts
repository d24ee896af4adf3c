import { setTimeout as delay } from 'node:timers/promises';
import { LocalProcessStartError } from './local-process-start-error.js';
import type { SpawnedProcess } from './local-process.js';

const READY_POLL_INTERVAL_MS = 50;
const PORT_IN_USE_PATTERN = /address already in use/i;

async function exitedEarlyError(server: SpawnedProcess): Promise<LocalProcessStartError> {
  const output = await server.output();
  return new LocalProcessStartError(`${server.command} exited before it was ready`, {
    command: server.command,
    output,
    exitCode: server.exit()?.code ?? null,
    portInUse: PORT_IN_USE_PATTERN.test(output),
  });
}

/**
 * Polls `isReady` until it returns true. Stops the server before throwing, so a failed start
 * leaves nothing behind.
 * @throws {LocalProcessStartError} when the server exits first or is not ready within `timeoutMs`
 */
export async function waitUntilReady(
  server: SpawnedProcess,
  isReady: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let failure: LocalProcessStartError | undefined;
  while (failure === undefined) {
    if (server.exit() !== undefined) {
      failure = await exitedEarlyError(server);
    } else if (await isReady()) {
      return;
    } else if (Date.now() >= deadline) {
      failure = new LocalProcessStartError(`${server.command} was not ready within ${timeoutMs} ms`, {
        command: server.command,
        output: await server.output(),
      });
    } else {
      await delay(READY_POLL_INTERVAL_MS);
    }
  }
  await server.stop();
  throw failure;
}
