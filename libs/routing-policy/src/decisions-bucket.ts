import { createHash } from 'node:crypto';
import { Kvm } from '@nats-io/kv';
import type { KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import type { SubjectNames } from '@switchboard/nats';

/** How long and how much the router's decisions are kept for feedback to join. */
export interface DecisionsBucketOptions {
  /** @default 48 h: feedback is promised for 24 h, with a day to spare. */
  readonly maxAgeMs?: number;
  /** Oldest decisions are dropped beyond this. @default 1 GiB */
  readonly maxBytes?: number;
  /** Servers of the JetStream cluster holding the bucket (`NATS_STREAM_REPLICAS`). @default 1 */
  readonly replicas?: number;
}

export const DEFAULT_DECISIONS_MAX_AGE_MS = 48 * 3_600_000;
export const DEFAULT_DECISIONS_MAX_BYTES = 1024 ** 3;

/**
 * Opens (creating if needed) the `decisions` bucket: one DecisionRecord per answered request on a
 * route, under {@link decisionKey}. Its stream (`KV_<bucket>`) is also the optimizer's log of
 * decisions: it reads confidence and cascade signals and SLO misses from it.
 */
export async function openDecisionsBucket(
  connection: NatsConnection,
  names: SubjectNames,
  options: DecisionsBucketOptions = {},
): Promise<KV> {
  const {
    maxAgeMs = DEFAULT_DECISIONS_MAX_AGE_MS,
    maxBytes = DEFAULT_DECISIONS_MAX_BYTES,
    replicas = 1,
  } = options;
  return new Kvm(connection).create(names.decisionsBucket, {
    history: 1,
    replicas,
    ttl: maxAgeMs,
    max_bytes: maxBytes,
  });
}

/** The JetStream stream behind the decisions bucket. */
export function decisionsStreamName(names: SubjectNames): string {
  return `KV_${names.decisionsBucket}`;
}

/**
 * The key of a tenant's request decision: the SHA-256 (base64url) of the tenant and the request id
 * together, so one tenant's ids never meet another's. Request ids are chosen by clients and never
 * become a key themselves (DESIGN.md, "Names from clients"). The router writes under it, feedback
 * looks it up, the optimizer deduplicates by it.
 * @param cascadeStep set for the record of a cascade step passed over, kept apart from the answer's.
 */
export function decisionKey(tenant: string, requestId: string, cascadeStep?: number): string {
  const parts = cascadeStep === undefined ? [tenant, requestId] : [tenant, requestId, cascadeStep];
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url');
}
