import { describe, expect, it, vi } from 'vitest';
import { InfrastructureUnavailableError } from './infrastructure-unavailable-error.js';
import { provideInfrastructure } from './provide-infrastructure.js';
import type { ContainerStarter } from './start-container.js';

const NATS_URL = 'nats://nats.example:4222';
const DATABASE_URL = 'postgres://postgres@db.example:5432/postgres';

// Stands in for a machine without Docker: testcontainers fails like this within milliseconds.
const noContainerRuntime: ContainerStarter = () =>
  Promise.reject(new Error('Could not find a working container runtime strategy'));
const nothingInstalled = (): undefined => undefined;

describe('provideInfrastructure', () => {
  it('uses given URLs without looking for binaries or containers', async () => {
    const findBinary = vi.fn(nothingInstalled);
    const startContainer = vi.fn(noContainerRuntime);

    const infrastructure = await provideInfrastructure({
      natsUrl: NATS_URL,
      databaseUrl: DATABASE_URL,
      findBinary,
      startContainer,
    });

    expect(infrastructure).toMatchObject({
      natsUrl: NATS_URL,
      databaseUrl: DATABASE_URL,
      source: { nats: 'env', postgres: 'env' },
    });
    expect(findBinary).not.toHaveBeenCalled();
    expect(startContainer).not.toHaveBeenCalled();
    await infrastructure.stop();
  });

  it('names what to install and which variables to set when no binaries and no container runtime exist', async () => {
    const failure = await provideInfrastructure({
      findBinary: nothingInstalled,
      startContainer: noContainerRuntime,
    }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(InfrastructureUnavailableError);
    expect(failure).toMatchObject({ services: ['nats', 'postgres'], retryable: false });
    const message = (failure as Error).message;
    expect(message).toContain('apt-get install nats-server');
    expect(message).toContain('apt-get install postgresql');
    expect(message).toContain('NATS_URL=nats://');
    expect(message).toContain('DATABASE_URL=postgres://');
    expect(message).toContain('Could not find a working container runtime strategy');
  });

  it('reports only the service that is missing when the other URL is given', async () => {
    const failure = await provideInfrastructure({
      natsUrl: NATS_URL,
      findBinary: nothingInstalled,
      startContainer: noContainerRuntime,
    }).catch((error: unknown) => error);

    expect(failure).toMatchObject({ services: ['postgres'] });
    expect((failure as Error).message).toContain('apt-get install postgresql');
    expect((failure as Error).message).not.toContain('nats-server');
  });

  it('treats an empty URL as not given and falls back to a container', async () => {
    const startContainer = vi.fn<ContainerStarter>((service) =>
      Promise.resolve({ url: service === 'nats' ? NATS_URL : DATABASE_URL, stop: () => Promise.resolve() }),
    );

    const infrastructure = await provideInfrastructure({
      natsUrl: '',
      databaseUrl: '',
      findBinary: nothingInstalled,
      startContainer,
    });

    expect(infrastructure.source).toEqual({ nats: 'container', postgres: 'container' });
    expect(startContainer).toHaveBeenCalledTimes(2);
    await infrastructure.stop();
  });
});
