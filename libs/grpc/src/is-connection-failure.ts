/**
 * Codes of errors that say a dependency could not be reached, rather than that the request or the
 * code was wrong: Node's socket errors and the `postgres` package's connection errors.
 */
const CONNECTION_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'CONNECTION_CLOSED',
  'CONNECTION_DESTROYED',
  'CONNECTION_ENDED',
  'CONNECT_TIMEOUT',
]);

/** SQLSTATE classes and codes of a database that is down, starting or shutting down. */
const UNAVAILABLE_SQLSTATE = /^(08|57P0[1-3])/;

/**
 * True when `error` (or an error it wraps, or one of an AggregateError's) says a dependency such as
 * PostgreSQL was unreachable: retrying later may succeed, so callers are told UNAVAILABLE rather
 * than INTERNAL.
 */
export function isConnectionFailure(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 4) return false;
  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string' && (CONNECTION_ERROR_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code))) {
    return true;
  }
  if (Array.isArray(errors) && errors.some((each) => isConnectionFailure(each, depth + 1))) return true;
  return isConnectionFailure(cause, depth + 1);
}
