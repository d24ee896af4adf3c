import { connect } from 'node:net';

const PROBE_TIMEOUT_MS = 1_000;

function parseInfoLine(buffered: string): boolean | undefined {
  const end = buffered.indexOf('\r\n');
  if (end === -1) return undefined;
  const line = buffered.slice(0, end);
  if (!line.startsWith('INFO ')) return false;
  try {
    const info = JSON.parse(line.slice('INFO '.length)) as { jetstream?: unknown };
    return info.jetstream === true;
  } catch {
    // A garbled greeting means this is not (yet) a healthy NATS server.
    return false;
  }
}

/**
 * Connects to `host:port` and reads the INFO greeting every NATS server sends first.
 * nats-server enables JetStream before it opens its client port, so a greeting that
 * advertises `"jetstream": true` means streams can be created right away.
 * @returns true when a NATS server with JetStream answers; false on any failure
 */
export function probeNatsJetStream(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    let buffered = '';
    const socket = connect({ host, port });
    const finish = (ready: boolean): void => {
      socket.destroy();
      resolve(ready);
    };
    socket.setTimeout(PROBE_TIMEOUT_MS, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('close', () => finish(false));
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      const ready = parseInfoLine(buffered);
      if (ready !== undefined) finish(ready);
    });
  });
}
