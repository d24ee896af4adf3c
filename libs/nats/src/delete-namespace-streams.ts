import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { createSubjectNames } from './subject-names.js';

/**
 * Deletes every JetStream stream of a namespace: its INFER, DEADLETTER and TELEMETRY streams and
 * the streams behind its KV buckets and object stores (`KV_<namespace>_…`, `OBJ_<namespace>_…`). Matching by prefix also catches streams
 * added by later versions of the services. Tests and the benchmark call it to leave a shared NATS
 * server as they found it: a telemetry stream holds its byte limit of the server's storage
 * reserved for as long as it exists, so forgotten namespaces pile up until no stream can be created.
 * @param namespace a non-empty namespace; the plain names of the empty namespace are never deleted.
 * @returns the names of the deleted streams.
 * @throws Error when the namespace is empty or invalid, or JetStream cannot be reached.
 */
export async function deleteNamespaceStreams(
  connection: NatsConnection,
  namespace: string,
): Promise<string[]> {
  if (namespace === '') throw new Error('refusing to delete the streams of the empty namespace');
  createSubjectNames(namespace); // throws on a malformed namespace before anything is deleted
  const manager = await jetstreamManager(connection);
  const prefixes = [`${namespace.toUpperCase()}_`, `KV_${namespace}_`, `OBJ_${namespace}_`];
  const doomed: string[] = [];
  for await (const stream of manager.streams.names()) {
    if (prefixes.some((prefix) => stream.startsWith(prefix))) doomed.push(stream);
  }
  await Promise.all(doomed.map((stream) => manager.streams.delete(stream)));
  return doomed;
}
