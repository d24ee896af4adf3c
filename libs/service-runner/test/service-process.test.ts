import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServiceProcess } from '../src/service-process.js';
import type { ServiceProcess } from '../src/service-process.js';

/**
 * A stand-in service package: startServiceProcess runs the main.js beside the entry it is given.
 * It writes to both streams, and on SIGTERM either drains (writes, then exits 0) or ignores it.
 */
const EXAMPLE_MAIN = `
process.stdout.write('started ' + process.env.EXAMPLE_GREETING + '\\n');
process.stderr.write('a warning\\n');
if (process.env.EXAMPLE_MODE === 'exit') process.exit(3);
process.on('SIGTERM', () => {
  if (process.env.EXAMPLE_MODE === 'stubborn') return;
  process.stdout.write('drained\\n');
  process.exit(0);
});
setInterval(() => undefined, 60_000);
process.stdout.write('ready\\n');
`;

describe('startServiceProcess', () => {
  let directory: string;
  let entryUrl: string;
  const started: ServiceProcess[] = [];

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'service-process-'));
    writeFileSync(join(directory, 'index.js'), '');
    writeFileSync(join(directory, 'main.js'), EXAMPLE_MAIN);
    entryUrl = pathToFileURL(join(directory, 'index.js')).href;
  });

  afterEach(async () => {
    await Promise.all(started.splice(0).map((service) => service.stop(1_000)));
    rmSync(directory, { recursive: true, force: true });
  });

  function start(environment: Record<string, string>): ServiceProcess {
    const service = startServiceProcess('example', entryUrl, environment, directory);
    started.push(service);
    return service;
  }

  it('runs main.js beside the package entry and appends both output streams to <name>.log', async () => {
    const service = start({ EXAMPLE_GREETING: 'hello', EXAMPLE_MODE: 'exit' });

    expect(await service.exited).toBe(3);
    expect(service.logFile).toBe(join(directory, 'example.log'));
    const log = readFileSync(service.logFile, 'utf8');
    expect(log).toContain('started hello\n');
    expect(log).toContain('a warning\n');
  });

  it('stops a service with SIGTERM and keeps what it wrote while draining', async () => {
    const service = start({ EXAMPLE_GREETING: 'hello', EXAMPLE_MODE: 'drain' });
    await waitForLog(service, 'ready');

    await service.stop(5_000);

    expect(await service.exited).toBe(0);
    expect(readFileSync(service.logFile, 'utf8')).toMatch(/ready\n(.|\n)*drained\n/);
  });

  it('kills a service that ignores SIGTERM once the grace time is over', async () => {
    const service = start({ EXAMPLE_GREETING: 'hello', EXAMPLE_MODE: 'stubborn' });
    await waitForLog(service, 'ready');
    const stopping = Date.now();

    await service.stop(300);

    expect(await service.exited).toBeNull();
    expect(Date.now() - stopping).toBeGreaterThanOrEqual(250);
  });

  it('signals the running process by its pid, and reports false once it has exited', async () => {
    const service = start({ EXAMPLE_GREETING: 'hello', EXAMPLE_MODE: 'stubborn' });
    await waitForLog(service, 'ready');
    expect(service.pid).toBeGreaterThan(0);

    expect(service.signal('SIGKILL')).toBe(true);

    expect(await service.exited).toBeNull();
    expect(service.signal('SIGKILL')).toBe(false);
  });
});

async function waitForLog(service: ServiceProcess, text: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!readLog(service).includes(text)) {
    if (Date.now() > deadline) throw new Error(`${service.name} never logged "${text}"`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function readLog(service: ServiceProcess): string {
  try {
    return readFileSync(service.logFile, 'utf8');
  } catch {
    return '';
  }
}
