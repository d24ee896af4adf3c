import { createServer } from 'node:net';

/**
 * Asks the OS for a free TCP port on 127.0.0.1. The services take their ports from the environment
 * and do not report them at LOG_LEVEL=warn, so the bench picks them. Another process could take the
 * port between this call and the service binding it; the service then fails to start, loudly.
 */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('the OS gave no port'))));
    });
  });
}
