import type { InfrastructureService } from './infrastructure-unavailable-error.js';

/** A service running in a container started by testcontainers. */
export interface ContainerService {
  /** Connection URL with the host and mapped port testcontainers reports. */
  readonly url: string;
  /** Stops and removes the container. */
  stop(): Promise<void>;
}

/** Starts one service in a container; throws when no container runtime is available. */
export type ContainerStarter = (service: InfrastructureService) => Promise<ContainerService>;

/**
 * The images DESIGN.md names. NATS 2.10 is newer than Debian's 2.9.10, so code must still keep
 * to 2.9 features (see SETUP-NOTES) to run on every source.
 */
const NATS_IMAGE = 'nats:2.10-alpine';
const POSTGRES_IMAGE = 'postgres:16-alpine';

const NATS_CLIENT_PORT = 4222;
const POSTGRES_PORT = 5432;

/**
 * Starts NATS (with JetStream) or PostgreSQL (trust auth, fsync off) with testcontainers.
 * testcontainers is imported only here, so machines that never need a container never load it.
 * Its reaper container removes the containers if this process dies without stopping them.
 * @throws whatever testcontainers throws, e.g. "Could not find a working container runtime strategy"
 */
export const startContainer: ContainerStarter = async (service) => {
  const { GenericContainer, Wait } = await import('testcontainers');
  if (service === 'nats') {
    const container = await new GenericContainer(NATS_IMAGE)
      .withCommand(['-js'])
      .withExposedPorts(NATS_CLIENT_PORT)
      .withWaitStrategy(Wait.forLogMessage(/Server is ready/))
      .start();
    const url = `nats://${container.getHost()}:${container.getMappedPort(NATS_CLIENT_PORT)}`;
    return { url, stop: async () => void (await container.stop()) };
  }
  const container = await new GenericContainer(POSTGRES_IMAGE)
    .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: 'trust' })
    .withCommand([
      'postgres',
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
    ])
    .withExposedPorts(POSTGRES_PORT)
    // The image starts a temporary server for its init scripts first; the second message is the real one.
    .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
    .start();
  const url = `postgres://postgres@${container.getHost()}:${container.getMappedPort(POSTGRES_PORT)}/postgres`;
  return { url, stop: async () => void (await container.stop()) };
};
