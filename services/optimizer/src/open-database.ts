import type { Logger } from '@switchboard/logging';
import postgres from 'postgres';

/** Postgres' type oid of int8. */
const INT8_OID = 20;

/**
 * int8 columns (row ids, counts, policy versions) read as JS numbers: they stay far below 2^53.
 * postgres.js would otherwise return them as strings.
 */
const types = {
  int8: {
    to: INT8_OID,
    from: [INT8_OID],
    serialize: (value: number) => String(value),
    parse: (text: string) => Number(text),
  },
};

/** The optimizer's connection pool. */
export type Database = postgres.Sql<{ int8: number }>;

/** Anything queries can run on: the pool or a transaction. */
export type Queryable = postgres.Sql<{ int8: number }> | postgres.TransactionSql<{ int8: number }>;

const MAX_CONNECTIONS = 6;
const CONNECT_TIMEOUT_SECONDS = 10;

/**
 * Creates the Postgres pool. Connections open lazily on the first query, so this never throws;
 * errors surface from the queries.
 */
export function openDatabase(url: string, logger: Logger): Database {
  return postgres(url, {
    max: MAX_CONNECTIONS,
    connect_timeout: CONNECT_TIMEOUT_SECONDS,
    types,
    // postgres.js prints NOTICEs to the console by default; they are detail, not news.
    onnotice: (notice) => logger.debug({ notice: notice.message }, 'postgres notice'),
  });
}
