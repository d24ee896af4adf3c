import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { Kvm } from '@nats-io/kv';
import type { KV } from '@nats-io/kv';
import { Objm } from '@nats-io/obj';
import type { ObjectStore } from '@nats-io/obj';
import type { NatsConnection } from '@nats-io/transport-node';
import type { SubjectNames } from '@switchboard/nats';
import { LearnedPolicySchema, PolicyAnnouncementSchema } from '@switchboard/protocol';
import type { PolicyAnnouncement } from '@switchboard/protocol';
import { policyFromMessage, policyToMessage } from './policy-codec.js';
import type { RoutePolicy } from './policy-codec.js';

/**
 * Where learned policies are published: each route's newest version is announced in KV `policy`
 * (key = route name, a small PolicyAnnouncement) and its weights — megabytes, above NATS's message
 * limit — are stored in the object store `policy-weights`, which chunks them.
 */
export interface PolicyStore {
  readonly announcements: KV;
  readonly weights: ObjectStore;
}

/** Older versions kept in the object store per route, for inspection and rollback by hand. */
const VERSIONS_KEPT = 3;

/**
 * Opens (creating if needed) the announcement bucket and the weights store, each on `replicas`
 * servers (`NATS_STREAM_REPLICAS`, default 1).
 */
export async function openPolicyStore(
  connection: NatsConnection,
  names: SubjectNames,
  options: { replicas?: number } = {},
): Promise<PolicyStore> {
  const replicas = options.replicas ?? 1;
  const announcements = await new Kvm(connection).create(names.policyBucket, { history: 1, replicas });
  const weights = await new Objm(connection).create(names.policyWeightsStore, { replicas });
  return { announcements, weights };
}

/** The object holding one version of a route's policy. */
export function policyObjectName(route: string, version: bigint): string {
  return `${route}/${version}`;
}

/**
 * Stores the policy's weights, then announces it: a router that sees the announcement always finds
 * the weights. Versions older than the last few are deleted.
 * @throws Error (from NATS) when the store or the bucket cannot be written.
 */
export async function publishPolicy(store: PolicyStore, policy: RoutePolicy): Promise<PolicyAnnouncement> {
  const object = policyObjectName(policy.route, policy.version);
  await store.weights.putBlob({ name: object }, toBinary(LearnedPolicySchema, policyToMessage(policy)));
  const announcement = create(PolicyAnnouncementSchema, {
    route: policy.route,
    version: policy.version,
    object,
    publishedUnixMs: BigInt(Date.now()),
  });
  await store.announcements.put(policy.route, toBinary(PolicyAnnouncementSchema, announcement));
  if (policy.version > BigInt(VERSIONS_KEPT)) {
    await store.weights.delete(policyObjectName(policy.route, policy.version - BigInt(VERSIONS_KEPT)));
  }
  return announcement;
}

/** Reads an announcement from its KV value. */
export function announcementFromBytes(bytes: Uint8Array): PolicyAnnouncement {
  return fromBinary(PolicyAnnouncementSchema, bytes);
}

/**
 * Loads the policy an announcement names.
 * @returns undefined when its object is gone (a newer version replaced it meanwhile).
 * @throws IncompatiblePolicyError when it cannot be applied by this build; Error (from NATS or
 *   protobuf) when it cannot be read.
 */
export async function readAnnouncedPolicy(
  store: PolicyStore,
  announcement: PolicyAnnouncement,
): Promise<RoutePolicy | undefined> {
  const bytes = await store.weights.getBlob(announcement.object);
  return bytes === null ? undefined : policyFromMessage(fromBinary(LearnedPolicySchema, bytes));
}
