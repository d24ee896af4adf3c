import { createServer } from 'node:net';
import { LocalProcessStartError } from './local-process-start-error.js';

/** How many fresh ports to try when a chosen port was taken before the server bound it. */
const MAX_PORT_ATTEMPTS = 3;

/** Asks the kernel for a currently unused TCP port on `host`. */
export function findFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Runs `start` on `requestedPort`, or on a free port when none was requested. The free port
 * is only free when we look: another process can take it before the server binds it, so a
 * start that failed with a taken port is retried on a new one.
 */
export async function startOnFreePort<T>(
  requestedPort: number | undefined,
  start: (port: number) => Promise<T>,
): Promise<T> {
  if (requestedPort !== undefined) return start(requestedPort);
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await start(await findFreePort());
    } catch (error: unknown) {
      const portRace = error instanceof LocalProcessStartError && error.portInUse;
      if (!portRace || attempt >= MAX_PORT_ATTEMPTS) throw error;
    }
  }
}
