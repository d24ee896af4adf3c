import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '@switchboard/logging';
import type { SubjectNames } from '@switchboard/nats';
import { openRegistryBucket } from './registry-bucket.js';
import { RegistrySnapshot } from './registry-snapshot.js';

/**
 * Opens the registry bucket (creating it if needed, on `options.replicas` servers) and starts a snapshot of it. Resolves once the
 * snapshot holds every entry the bucket had; stop it with `stop()`.
 * @throws Error (from NATS) when the bucket cannot be opened or watched; nothing is left running.
 */
export async function startRegistrySnapshot(
  connection: NatsConnection,
  names: SubjectNames,
  logger: Logger,
  options: { replicas?: number } = {},
): Promise<RegistrySnapshot> {
  const snapshot = new RegistrySnapshot(await openRegistryBucket(connection, names, options), logger);
  try {
    await snapshot.start();
  } catch (error) {
    await snapshot.stop();
    throw error;
  }
  return snapshot;
}
