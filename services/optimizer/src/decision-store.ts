import type { Queryable } from './open-database.js';
import type { DecisionRow } from './read-records.js';

/** SLO-miss rates and mean costs are taken over each model's newest decisions, so they follow change. */
const RECENT_DECISIONS_PER_MODEL = 500;
/** Decision shares are taken over the route's newest decisions made by a learned policy. */
const RECENT_POLICY_DECISIONS = 1_000;

/** What the router's decisions say about one model on a route. */
export interface DecisionFigures {
  /** Decisions kept for the model. */
  readonly decisions: number;
  /** Share of its recent decisions that missed their latency budget. */
  readonly sloMissRate: number;
  /** Mean cost of its recent decisions, US dollars. */
  readonly meanCostUsd: number;
  /** Its decisions among the route's newest ones made by a learned policy (not the rules). */
  readonly policyDecisions: number;
}

/** Stores decisions; one already stored for the same request is left as it was. */
export async function insertDecisions(
  database: Queryable,
  decisions: readonly DecisionRow[],
): Promise<number> {
  if (decisions.length === 0) return 0;
  const rows = decisions.map((decision) => ({
    route: decision.route,
    request_key: decision.requestKey,
    model: decision.model,
    policy_version: decision.policyVersion,
    cost_usd: decision.costUsd,
    slo_missed: decision.sloMissed,
    answered_at: new Date(decision.answeredAtMs),
  }));
  const stored = await database`
    insert into optimizer_decisions ${database(rows)}
    on conflict (route, request_key) do nothing`;
  return stored.count;
}

/** Per model of the route, its decision figures. */
export async function readDecisionFigures(
  database: Queryable,
  route: string,
): Promise<Map<string, DecisionFigures>> {
  const rows = await database<
    {
      model: string;
      decisions: number;
      slo_miss_rate: number;
      mean_cost_usd: number;
      policy_decisions: number;
    }[]
  >`
    select model, count(*)::int8 as decisions,
      avg(slo_missed::int) filter (where recent <= ${RECENT_DECISIONS_PER_MODEL}) as slo_miss_rate,
      avg(cost_usd) filter (where recent <= ${RECENT_DECISIONS_PER_MODEL}) as mean_cost_usd,
      count(*) filter (where policy_version > 0 and route_recent <= ${RECENT_POLICY_DECISIONS})::int8
        as policy_decisions
    from (
      select model, slo_missed, cost_usd, policy_version,
        row_number() over (partition by model order by id desc) as recent,
        row_number() over (order by policy_version > 0 desc, id desc) as route_recent
      from optimizer_decisions where route = ${route}
    ) d
    group by model`;
  return new Map(
    rows.map((row) => [
      row.model,
      {
        decisions: row.decisions,
        sloMissRate: Number(row.slo_miss_rate),
        meanCostUsd: Number(row.mean_cost_usd),
        policyDecisions: row.policy_decisions,
      },
    ]),
  );
}

/** Deletes all but the newest `keep` decisions of the route. */
export async function pruneDecisions(database: Queryable, route: string, keep: number): Promise<void> {
  await database`
    delete from optimizer_decisions where route = ${route} and id <= (
      select id from optimizer_decisions where route = ${route} order by id desc offset ${keep} limit 1)`;
}
