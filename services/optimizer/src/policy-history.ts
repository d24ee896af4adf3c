import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { LearnedPolicySchema, PolicyEstimateSchema, PolicyRefusalSchema } from '@switchboard/protocol';
import type { LearnedPolicy, PolicyEstimate, PolicyRefusal } from '@switchboard/protocol';
import type { Queryable } from './open-database.js';

/** Published versions kept per route in Postgres (the object store keeps 3). */
const VERSIONS_KEPT = 10;
/** Refusals kept per route. */
const REFUSALS_KEPT = 100;

/** A published policy as stored. */
export interface StoredPolicy {
  readonly message: LearnedPolicy;
  /** The newest observation whose signal its predictors hold. */
  readonly observationId: number;
  readonly publishedUnixMs: number;
}

/** Stores a policy about to be published and deletes versions older than the last few. */
export async function insertPolicy(
  database: Queryable,
  message: LearnedPolicy,
  observationId: number,
): Promise<void> {
  const bytes = toBinary(LearnedPolicySchema, message);
  await database`
    insert into optimizer_policies (route, version, policy, observation_id)
    values (${message.route}, ${Number(message.version)}, ${Buffer.from(bytes)}, ${observationId})`;
  await database`
    delete from optimizer_policies
    where route = ${message.route} and version <= ${Number(message.version) - VERSIONS_KEPT}`;
}

/** Every route's newest stored policy. */
export async function readNewestPolicies(database: Queryable): Promise<StoredPolicy[]> {
  const rows = await database<{ policy: Uint8Array; observation_id: number; published_at: Date }[]>`
    select distinct on (route) policy, observation_id, published_at
    from optimizer_policies order by route, version desc`;
  return rows.map((row) => ({
    message: fromBinary(LearnedPolicySchema, row.policy),
    observationId: row.observation_id,
    publishedUnixMs: row.published_at.getTime(),
  }));
}

/** Stores a refusal and deletes the route's oldest beyond the last hundred. */
export async function insertRefusal(
  database: Queryable,
  route: string,
  refusal: PolicyRefusal,
): Promise<void> {
  await database`
    insert into optimizer_refusals (route, candidate_version, reason, candidate, live, refused_at)
    values (${route}, ${Number(refusal.candidateVersion)}, ${refusal.reason},
      ${database.json(estimateToJson(refusal.candidate))}, ${database.json(estimateToJson(refusal.live))},
      ${new Date(Number(refusal.atUnixMs))})`;
  await database`
    delete from optimizer_refusals where route = ${route} and id <= (
      select id from optimizer_refusals where route = ${route} order by id desc offset ${REFUSALS_KEPT} limit 1)`;
}

/** The route's newest refusal. */
export async function readLastRefusal(
  database: Queryable,
  route: string,
): Promise<PolicyRefusal | undefined> {
  const [row] = await database<
    {
      candidate_version: number;
      reason: string;
      candidate: EstimateJson;
      live: EstimateJson;
      refused_at: Date;
    }[]
  >`
    select candidate_version, reason, candidate, live, refused_at from optimizer_refusals
    where route = ${route} order by id desc limit 1`;
  if (row === undefined) return undefined;
  return create(PolicyRefusalSchema, {
    candidateVersion: BigInt(row.candidate_version),
    reason: row.reason,
    candidate: estimateFromJson(row.candidate),
    live: estimateFromJson(row.live),
    atUnixMs: BigInt(row.refused_at.getTime()),
  });
}

type EstimateJson = { method: string; value: number; lower: number; upper: number; samples: number };

function estimateToJson(estimate: PolicyEstimate | undefined): EstimateJson {
  return {
    method: estimate?.method ?? '',
    value: estimate?.value ?? 0,
    lower: estimate?.lower ?? 0,
    upper: estimate?.upper ?? 0,
    samples: Number(estimate?.samples ?? 0n),
  };
}

function estimateFromJson(json: EstimateJson): PolicyEstimate {
  return create(PolicyEstimateSchema, { ...json, samples: BigInt(json.samples) });
}
