import type { Logger } from '@switchboard/logging';
import postgres from 'postgres';

/** Seasonal profiles look back one week, plus a day so the same weekday a week ago is complete. */
const HISTORY_DAYS = 8;
const CONNECT_TIMEOUT_SECONDS = 10;
/** Postgres' code for "relation does not exist": the monitor has not created its tables yet. */
const UNDEFINED_TABLE = '42P01';

/** Per-minute request counts by model: model → (minute start, unix ms → requests). */
export type DemandHistory = Map<string, Map<number, number>>;

/**
 * Reads the last 8 days of per-minute request counts per model from the monitor's
 * `metric_rollups` (every version, route and tenant summed). The forecasters' seasonal profiles
 * come from here. Missing table (no monitor has run on this database yet): an empty history.
 * One short-lived connection per read: this runs about once an hour.
 * @throws Error (from postgres) when the database is unreachable.
 */
export async function readDemandHistory(databaseUrl: string, logger: Logger): Promise<DemandHistory> {
  const sql = postgres(databaseUrl, {
    max: 1,
    connect_timeout: CONNECT_TIMEOUT_SECONDS,
    onnotice: () => undefined,
  });
  try {
    const rows = await sql<{ minute_ms: string; model: string; requests: string }[]>`
      SELECT (extract(epoch FROM minute) * 1000)::bigint AS minute_ms, model, sum(count) AS requests
      FROM metric_rollups
      WHERE minute >= now() - make_interval(days => ${HISTORY_DAYS})
      GROUP BY minute, model`;
    const history: DemandHistory = new Map();
    for (const row of rows) {
      let minutes = history.get(row.model);
      if (minutes === undefined) history.set(row.model, (minutes = new Map()));
      minutes.set(Number(row.minute_ms), Number(row.requests));
    }
    return history;
  } catch (error) {
    if ((error as { code?: string }).code === UNDEFINED_TABLE) {
      logger.info('no metric_rollups table yet (the monitor has not run here); forecasting without history');
      return new Map();
    }
    throw error;
  } finally {
    await sql.end({ timeout: CONNECT_TIMEOUT_SECONDS });
  }
}
