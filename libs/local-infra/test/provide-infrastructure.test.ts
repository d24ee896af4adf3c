import { describe, expect, it } from 'vitest';
import { findBinary } from '../src/find-binary.js';
import { InfrastructureUnavailableError } from '../src/infrastructure-unavailable-error.js';
import { provideInfrastructure } from '../src/provide-infrastructure.js';
import type { ContainerStarter } from '../src/start-container.js';
import { listDescendants } from './process-table.js';

const noContainerRuntime: ContainerStarter = () =>
  Promise.reject(new Error('Could not find a working container runtime strategy'));

function runningServers(): string[] {
  return listDescendants()
    .map((entry) => entry.command)
    .filter((command) => command === 'nats-server' || command === 'postgres');
}

describe('provideInfrastructure with local binaries', () => {
  it('starts throwaway servers when no URLs are given and stops them again', async () => {
    const infrastructure = await provideInfrastructure({ startContainer: noContainerRuntime });

    expect(infrastructure.source).toEqual({ nats: 'local', postgres: 'local' });
    expect(infrastructure.natsUrl).toMatch(/^nats:\/\/127\.0\.0\.1:\d+$/);
    expect(infrastructure.databaseUrl).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
    expect(runningServers()).toContain('nats-server');
    expect(runningServers()).toContain('postgres');

    await infrastructure.stop();
    await infrastructure.stop();

    expect(runningServers()).toEqual([]);
  });

  it('stops the server it already started when the other service is unavailable', async () => {
    // nats-server is installed, PostgreSQL is not (as far as this lookup tells).
    const onlyNats = (name: string): string | undefined =>
      name === 'nats-server' ? findBinary(name) : undefined;

    const lines: string[] = [];

    const failure = await provideInfrastructure({
      findBinary: onlyNats,
      startContainer: noContainerRuntime,
      logger: (line) => lines.push(line),
    }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(InfrastructureUnavailableError);
    expect(lines.some((line) => line.startsWith('started a throwaway nats'))).toBe(true);
    expect(runningServers()).toEqual([]);
  });
});
