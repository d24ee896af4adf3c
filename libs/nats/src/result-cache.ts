import { StorageType } from '@nats-io/jetstream';
import type { JetStreamClient } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import type { KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { DUPLICATE_WINDOW_MS } from './ensure-streams.js';
import type { SubjectNames } from './subject-names.js';

/** A result key as routers make them: a base64url hash, then `.<generation>` after the first. */
const RESULT_KEY_PATTERN = /^[A-Za-z0-9_-]{16,64}(\.[0-9]{1,2})?$/;

/**
 * Results are kept as long as JetStream remembers the job's message id: a retry the duplicate
 * window drops finds its answer here, and one after it is a new job anyway.
 */
export const RESULT_CACHE_TTL_MS = DUPLICATE_WINDOW_MS;

/**
 * Opens (creating if needed) the `results` bucket: the JobResult of each job that carried a result
 * key, for {@link RESULT_CACHE_TTL_MS}, at most `maxBytes` in all (a full bucket refuses new
 * results until old ones expire; the first answer still reaches its router), on `replicas` servers
 * (`NATS_STREAM_REPLICAS`, default 1). In memory: the cache
 * must outlive a router, not a NATS restart, and file-stored results cost the full path 16% of its
 * throughput at 64 requests in flight; in memory the cost was within the noise (2 cores).
 */
export async function openResultCache(
  connection: NatsConnection,
  names: SubjectNames,
  options: { maxBytes: number; replicas?: number },
): Promise<KV> {
  return new Kvm(connection).create(names.resultsBucket, {
    history: 1,
    replicas: options.replicas ?? 1,
    storage: StorageType.Memory,
    ttl: RESULT_CACHE_TTL_MS,
    max_bytes: options.maxBytes,
  });
}

/** Whether `key` has the shape routers give result keys (jobs are data: check before use as a subject). */
export function isResultKey(key: string): boolean {
  return RESULT_KEY_PATTERN.test(key);
}

/**
 * Stores a serialized JobResult under `key` in the `results` bucket, acknowledged by JetStream.
 * Published on the bucket's subject (`$KV.<bucket>.<key>`, the KV wire protocol), so a worker needs
 * no bucket handle; the router that serves requests creates the bucket.
 * @throws Error when `key` is no result key, or JetStream does not store it (no bucket, bucket full).
 */
export async function storeResult(
  jetstream: JetStreamClient,
  names: SubjectNames,
  key: string,
  result: Uint8Array,
): Promise<void> {
  if (!isResultKey(key)) throw new Error(`malformed result key ${JSON.stringify(key.slice(0, 80))}`);
  await jetstream.publish(`$KV.${names.resultsBucket}.${key}`, result);
}
