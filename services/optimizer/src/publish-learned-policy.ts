import { create } from '@bufbuild/protobuf';
import { PolicyRefusalSchema } from '@switchboard/protocol';
import type { PolicyEstimate } from '@switchboard/protocol';
import { announcementFromBytes, policyToMessage, publishPolicy } from '@switchboard/routing-policy';
import type { PolicyStore, RoutePolicy } from '@switchboard/routing-policy';
import type { LearnerDependencies } from './learner-dependencies.js';
import { insertPolicy, insertRefusal } from './policy-history.js';

/**
 * Stores the policy in Postgres (which takes its version for good), then publishes it to routers.
 * @returns whether routers were told; when NATS fails the policy stays stored and the caller
 *   announces it again later (see announceIfBehind).
 * @throws Error (from postgres) when it cannot be stored; nothing was published then.
 */
export async function publishLearnedPolicy(
  { database, store, metrics, logger }: LearnerDependencies,
  policy: RoutePolicy,
  observationId: number,
): Promise<boolean> {
  await insertPolicy(database, policyToMessage(policy), observationId);
  metrics.policyPublished(policy.route, policy.version);
  try {
    await publishPolicy(store, policy);
    return true;
  } catch (error) {
    logger.error(
      { err: error, route: policy.route, version: policy.version },
      'policy stored but not announced to routers; announcing it again on the next round',
    );
    return false;
  }
}

/**
 * Publishes `policy` again unless KV `policy` already announces it or a newer version: after a
 * crash between the Postgres write and the announcement, or a NATS failure.
 * @throws Error (from NATS) when the bucket or the store cannot be read or written.
 */
export async function announceIfBehind(store: PolicyStore, policy: RoutePolicy): Promise<boolean> {
  const entry = await store.announcements.get(policy.route);
  const announced =
    entry === null || entry.operation !== 'PUT' ? 0n : announcementFromBytes(entry.value).version;
  if (announced >= policy.version) return false;
  await publishPolicy(store, policy);
  return true;
}

/** Stores, counts and logs a refused candidate. */
export async function refusePolicy(
  { database, metrics, logger }: LearnerDependencies,
  candidate: RoutePolicy,
  reason: string,
  candidateEstimate: PolicyEstimate | undefined,
  liveEstimate: PolicyEstimate | undefined,
): Promise<void> {
  const refusal = create(PolicyRefusalSchema, {
    candidateVersion: candidate.version,
    reason,
    ...(candidateEstimate === undefined ? {} : { candidate: candidateEstimate }),
    ...(liveEstimate === undefined ? {} : { live: liveEstimate }),
    atUnixMs: BigInt(Date.now()),
  });
  await insertRefusal(database, candidate.route, refusal);
  metrics.policyRefused(candidate.route);
  logger.warn(
    { route: candidate.route, candidateVersion: candidate.version, reason },
    'candidate policy refused by the off-policy check; the live policy stays',
  );
}
