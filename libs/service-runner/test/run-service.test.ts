import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

// runService ends its process, so each test runs it in a child: a small service written the way a
// main.ts uses it, against the built package (dist/).

const PACKAGE_DIRECTORY = fileURLToPath(new URL('..', import.meta.url));

const EXAMPLE_MAIN = `
import { trace } from '@opentelemetry/api';
import { parseConfig, readServiceConfig, serviceVariables } from '@switchboard/config';
import { runService } from '@switchboard/service-runner';

await runService({
  name: 'example',
  loadConfig: (environment) => ({
    ...readServiceConfig(parseConfig(serviceVariables(0), environment), environment),
    failure: environment.EXAMPLE_FAILURE,
    startMs: Number(environment.EXAMPLE_START_MS ?? 0),
  }),
  async start(config, logger) {
    logger.info('example starting');
    await new Promise((resolve) => setTimeout(resolve, config.startMs));
    if (config.failure === 'start') throw new Error('port 8010 in use');
    // Stands in for a server: keeps the event loop alive until stopped.
    const serving = setInterval(() => undefined, 60_000);
    if (config.failure === 'stray') {
      setTimeout(() => {
        throw new Error('thrown in a timer');
      }, 10);
      setTimeout(() => void Promise.reject(new Error('rejected with no handler')), 20);
      setTimeout(() => logger.info('example survived'), 100);
    }
    logger.info('example serving');
    return {
      async stop() {
        clearInterval(serving);
        trace.getTracer('example').startSpan('example.stop').end();
        logger.info('example stopped');
        if (config.failure === 'stop') throw new Error('drain timed out');
      },
    };
  },
});
`;

interface LogLine {
  level: number;
  msg: string;
  service?: string;
  signal?: string;
  reason?: string;
  err?: { message: string };
}

interface ExampleRun {
  exitCode: number | null;
  lines: LogLine[];
}

const FATAL = 60;

/**
 * The messages in alphabetical order: pino writes asynchronously and flushes what is left
 * synchronously at exit, so the last lines before an exit can reach the pipe out of order.
 */
function messagesOf(lines: LogLine[]): string[] {
  return lines.map((line) => line.msg).sort();
}
const children = new Set<ChildProcess>();

/**
 * Runs the example service with `environment` (and nothing else) until it exits; sends `signal`
 * once it logged `signalAfter`, or closes the IPC channel as a parent that exits does.
 */
function runExample(
  environment: Record<string, string>,
  signal?: NodeJS.Signals | 'disconnect',
  signalAfter = 'example serving',
): Promise<ExampleRun> {
  const child = spawn(process.execPath, ['--input-type=module', '--eval', EXAMPLE_MAIN], {
    cwd: PACKAGE_DIRECTORY,
    env: environment,
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  children.add(child);
  const lines: LogLine[] = [];
  createInterface({ input: child.stdout! }).on('line', (text) => {
    const line = JSON.parse(text) as LogLine;
    lines.push(line);
    if (line.msg !== signalAfter || signal === undefined) return;
    if (signal === 'disconnect') child.disconnect();
    else child.kill(signal);
  });
  // Not 'close': after the parent closed the IPC channel itself, Node never emits it.
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const read = new Promise((resolve) => child.stdout!.once('close', resolve));
  return Promise.all([exited, read]).then(([exitCode]) => {
    children.delete(child);
    return { exitCode, lines };
  });
}

/** A stand-in OTLP/HTTP collector on a free loopback port that keeps the bodies it receives. */
async function startCollector(): Promise<{ server: Server; url: string; bodies: string[] }> {
  const bodies: string[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      bodies.push(Buffer.concat(chunks).toString());
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, bodies };
}

describe('runService', () => {
  afterEach(() => {
    for (const child of children) child.kill('SIGKILL');
  });

  it('exits with code 2 and logs the problem when the config is invalid', async () => {
    const { exitCode, lines } = await runExample({ LOG_LEVEL: 'loud' });

    expect(exitCode).toBe(2);
    expect(lines).toEqual([
      expect.objectContaining({
        level: FATAL,
        service: 'example',
        msg: 'invalid configuration',
        err: expect.objectContaining({ message: expect.stringContaining('LOG_LEVEL="loud"') }),
      }),
    ]);
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('stops the service and exits with code 0 on %s', async (signal) => {
    const { exitCode, lines } = await runExample({}, signal);

    expect(exitCode).toBe(0);
    expect(messagesOf(lines)).toEqual(['example serving', 'example starting', 'example stopped', 'stopping']);
    expect(lines.find((line) => line.msg === 'stopping')).toMatchObject({ service: 'example', signal });
  });

  it('stops the service and exits with code 0 when the parent that started it goes away', async () => {
    const { exitCode, lines } = await runExample({}, 'disconnect');

    expect(exitCode).toBe(0);
    expect(messagesOf(lines)).toEqual(['example serving', 'example starting', 'example stopped', 'stopping']);
    expect(lines.find((line) => line.msg === 'stopping')).toMatchObject({ reason: 'parent exited' });
  });

  it('waits for a start that a signal interrupted, then stops the service', async () => {
    const { exitCode, lines } = await runExample({ EXAMPLE_START_MS: '300' }, 'SIGTERM', 'example starting');

    expect(exitCode).toBe(0);
    expect(messagesOf(lines)).toEqual(['example serving', 'example starting', 'example stopped', 'stopping']);
  });

  it('exits with code 1 and logs why when the service fails to start', async () => {
    const { exitCode, lines } = await runExample({ EXAMPLE_FAILURE: 'start' });

    expect(exitCode).toBe(1);
    expect(lines.at(-1)).toMatchObject({
      level: FATAL,
      msg: 'failed to start',
      err: { message: 'port 8010 in use' },
    });
  });

  it('exits with code 1 and logs why when the stop fails', async () => {
    const { exitCode, lines } = await runExample({ EXAMPLE_FAILURE: 'stop' }, 'SIGTERM');

    expect(exitCode).toBe(1);
    expect(lines.find((line) => line.msg === 'stop failed')).toMatchObject({
      err: { message: 'drain timed out' },
    });
  });

  it('logs an uncaught exception and an unhandled rejection and keeps serving', async () => {
    const { exitCode, lines } = await runExample({ EXAMPLE_FAILURE: 'stray' }, 'SIGTERM', 'example survived');

    expect(exitCode).toBe(0);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          msg: 'uncaught exception; the service keeps running',
          err: expect.objectContaining({ message: 'thrown in a timer' }),
        }),
        expect.objectContaining({
          msg: 'unhandled promise rejection; the service keeps running',
          err: expect.objectContaining({ message: 'rejected with no handler' }),
        }),
        expect.objectContaining({ msg: 'example stopped' }),
      ]),
    );
  });

  it('logs at the configured level', async () => {
    const { exitCode, lines } = await runExample({ LOG_LEVEL: 'error', EXAMPLE_FAILURE: 'start' });

    expect(exitCode).toBe(1);
    expect(lines.map((line) => line.msg)).toEqual(['failed to start']);
    expect((await runExample({ LOG_LEVEL: 'silent', EXAMPLE_FAILURE: 'start' })).lines).toEqual([]);
  });

  it('exports the spans the stop ended before the process exits', async () => {
    const collector = await startCollector();
    try {
      const { exitCode } = await runExample(
        {
          OTEL_TRACES_EXPORTER: 'otlp',
          OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
          // Far beyond the test, so only the shutdown can have exported the span.
          OTEL_BSP_SCHEDULE_DELAY: '600000',
        },
        'SIGTERM',
      );

      expect(exitCode).toBe(0);
      expect(collector.bodies.join('\n')).toContain('example.stop');
    } finally {
      await new Promise<void>((resolve, reject) =>
        collector.server.close((error) => (error === undefined ? resolve() : reject(error))),
      );
    }
  });
});
