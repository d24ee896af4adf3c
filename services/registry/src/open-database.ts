import type { Logger } from '@switchboard/logging';
import postgres from 'postgres';

/** Column types parsed specially: int8 as bigint, so costs and sizes keep full precision. */
type DatabaseTypes = { bigint: bigint };

/** The registry's connection pool. */
export type Database = postgres.Sql<DatabaseTypes>;

/** Anything queries can run on: the pool or a transaction. */
export type Queryable = postgres.ISql<DatabaseTypes>;

const MAX_CONNECTIONS = 10;
const CONNECT_TIMEOUT_SECONDS = 10;

/**
 * Creates the Postgres pool. Connections open lazily on the first query, so this never throws;
 * errors surface from the queries.
 */
export function openDatabase(url: string, logger: Logger): Database {
  return postgres(url, {
    max: MAX_CONNECTIONS,
    connect_timeout: CONNECT_TIMEOUT_SECONDS,
    types: { bigint: postgres.BigInt },
    // postgres.js prints NOTICEs to the console by default; they are detail, not news.
    onnotice: (notice) => logger.debug({ notice: notice.message }, 'postgres notice'),
  });
}
