import type { CanaryArm } from './canary-arms.js';
import type { CanaryEvidence } from './canary-evidence.js';
import type { MetricJudgement } from './canary-verdict.js';
import type { Queryable } from './open-database.js';

/** Where a canary stands: watched, decided, or gone before a verdict. */
export type CanaryStatus = 'watching' | 'promoted' | 'rolled_back' | 'withdrawn';

/** A canary as stored in `optimizer_canaries`. */
export interface StoredCanary {
  readonly id: number;
  readonly arm: CanaryArm;
  readonly status: CanaryStatus;
  readonly reason: string;
  readonly evidence: CanaryEvidence;
  /** Each metric's judgement at the verdict; empty while watching. */
  readonly metrics: readonly MetricJudgement[];
  readonly startedUnixMs: number;
  /** 0 until decided. */
  readonly decidedUnixMs: number;
  /** 0 until the registry was changed as the verdict says. */
  readonly appliedUnixMs: number;
}

/** Finished canaries kept per route. */
const KEPT_FINISHED_PER_ROUTE = 50;

interface CanaryRow {
  id: number;
  route: string;
  candidate: string;
  stable_version: string;
  arm_model: string;
  arm_version: string;
  percent: number;
  status: CanaryStatus;
  reason: string;
  evidence: CanaryEvidence;
  metrics: StoredJudgement[];
  started_at: Date;
  decided_at: Date | null;
  applied_at: Date | null;
}

/** A judgement in JSON: an infinite bound (too few samples) is stored as null. */
type StoredJudgement = Omit<MetricJudgement, 'lower' | 'upper'> & {
  lower: number | null;
  upper: number | null;
};

function toStoredCanary(row: CanaryRow): StoredCanary {
  return {
    id: row.id,
    arm: {
      route: row.route,
      candidate: row.candidate,
      stableVersion: row.stable_version,
      armModel: row.arm_model,
      armVersion: row.arm_version,
      percent: row.percent,
    },
    status: row.status,
    reason: row.reason,
    evidence: row.evidence,
    metrics: row.metrics.map((judgement) => ({
      ...judgement,
      lower: judgement.lower ?? -Infinity,
      upper: judgement.upper ?? Infinity,
    })),
    startedUnixMs: row.started_at.getTime(),
    decidedUnixMs: row.decided_at?.getTime() ?? 0,
    appliedUnixMs: row.applied_at?.getTime() ?? 0,
  };
}

const finite = (value: number) => (Number.isFinite(value) ? value : null);

/**
 * Starts watching `arm` with no evidence, or returns the canary already watching it (the same
 * route, candidate, stable version, arm model and arm version).
 */
export async function startCanary(
  database: Queryable,
  arm: CanaryArm,
  evidence: CanaryEvidence,
): Promise<StoredCanary> {
  const [row] = await database<CanaryRow[]>`
    insert into optimizer_canaries
      (route, candidate, stable_version, arm_model, arm_version, percent, status, evidence)
    values (${arm.route}, ${arm.candidate}, ${arm.stableVersion}, ${arm.armModel}, ${arm.armVersion},
      ${arm.percent}, 'watching', ${database.json(evidence as never)})
    on conflict (route, candidate, stable_version, arm_model, arm_version) where status = 'watching'
      do update set percent = excluded.percent
    returning *`;
  return toStoredCanary(row!);
}

/** Replaces a watched canary's evidence with `evidence` (the running moments after a batch). */
export async function saveCanaryEvidence(
  database: Queryable,
  id: number,
  evidence: CanaryEvidence,
): Promise<void> {
  await database`
    update optimizer_canaries set evidence = ${database.json(evidence as never)}
    where id = ${id} and status = 'watching'`;
}

/**
 * Ends a watched canary: with a verdict (`promoted`, `rolled_back`) and the judgements it rests
 * on, or `withdrawn`. Keeps the route's newest finished canaries only.
 * @returns when it was decided, Unix ms.
 */
export async function finishCanary(
  database: Queryable,
  id: number,
  outcome: {
    status: Exclude<CanaryStatus, 'watching'>;
    reason: string;
    evidence: CanaryEvidence;
    metrics: readonly MetricJudgement[];
  },
): Promise<number> {
  const metrics = outcome.metrics.map((judgement) => ({
    ...judgement,
    lower: finite(judgement.lower),
    upper: finite(judgement.upper),
  }));
  const [row] = await database<{ route: string; decided_at: Date }[]>`
    update optimizer_canaries set status = ${outcome.status}, reason = ${outcome.reason},
      evidence = ${database.json(outcome.evidence as never)}, metrics = ${database.json(metrics as never)},
      decided_at = now()
    where id = ${id}
    returning route, decided_at`;
  await database`
    delete from optimizer_canaries where route = ${row!.route} and status <> 'watching' and id not in (
      select id from optimizer_canaries where route = ${row!.route} and status <> 'watching'
      order by id desc limit ${KEPT_FINISHED_PER_ROUTE})`;
  return row!.decided_at.getTime();
}

/** Notes that the registry now says what the canary's verdict says. */
export async function markCanaryApplied(database: Queryable, id: number): Promise<void> {
  await database`update optimizer_canaries set applied_at = now() where id = ${id}`;
}

/** Every canary being watched, and every verdict not yet applied to the registry, oldest first. */
export async function loadOpenCanaries(database: Queryable): Promise<StoredCanary[]> {
  const rows = await database<CanaryRow[]>`
    select * from optimizer_canaries
    where status = 'watching' or (status in ('promoted', 'rolled_back') and applied_at is null)
    order by id`;
  return rows.map(toStoredCanary);
}

/** The route's newest finished canaries, newest first. */
export async function readFinishedCanaries(
  database: Queryable,
  route: string,
  limit: number,
): Promise<StoredCanary[]> {
  const rows = await database<CanaryRow[]>`
    select * from optimizer_canaries where route = ${route} and status <> 'watching'
    order by id desc limit ${limit}`;
  return rows.map(toStoredCanary);
}
