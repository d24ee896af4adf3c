import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';

/**
 * Deletes every JetStream stream a Switchboard namespace created: `<NAMESPACE>_INFER`,
 * `<NAMESPACE>_DEADLETTER` and the KV bucket's `KV_<namespace>_registry`. Matching by prefix
 * also catches streams added by later versions of the services.
 * @returns the names of the deleted streams.
 * @throws when JetStream cannot be reached.
 */
export async function deleteNamespaceStreams(
  connection: NatsConnection,
  namespace: string,
): Promise<string[]> {
  const manager = await jetstreamManager(connection);
  const prefixes = [`${namespace.toUpperCase()}_`, `KV_${namespace}_`];
  const deleted: string[] = [];
  for await (const name of manager.streams.names()) {
    if (!prefixes.some((prefix) => name.startsWith(prefix))) continue;
    await manager.streams.delete(name);
    deleted.push(name);
  }
  return deleted;
}
