import { pino } from 'pino';
import type { SerializedError } from 'pino';

/**
 * Field names whose values are secrets wherever they sit in a log line (top level, or one or two
 * objects deep, e.g. `{ headers: { authorization } }` or `{ config: { nats: { password } } }`).
 */
const SECRET_KEYS = [
  'authorization',
  'x-api-key',
  'apiKey',
  'api_key',
  'password',
  'pass',
  'token',
  'adminToken',
  'admin_token',
  'secret',
  'credentials',
  'cookie',
  'SWITCHBOARD_ADMIN_TOKEN',
  'NATS_PASSWORD',
  'PGPASSWORD',
];

/** Fields that hold URLs, whose user info (`user:password@`) is masked but whose host stays readable. */
const URL_KEYS = ['url', 'databaseUrl', 'natsUrl', 'DATABASE_URL', 'NATS_URL', 'connectionString'];

const CENSORED = '[redacted]';

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `key`, `*.key` and `*.*.key` (bracketed for names like `x-api-key` that are not identifiers). */
function atDepths(keys: readonly string[]): string[] {
  return keys.flatMap((key) => {
    const step = IDENTIFIER.test(key) ? `.${key}` : `["${key}"]`;
    return [IDENTIFIER.test(key) ? key : step, `*${step}`, `*.*${step}`];
  });
}

/** The pino redact paths: secret fields and URL fields at the top level and two levels down. */
export const REDACTED_PATHS: readonly string[] = [...atDepths(SECRET_KEYS), ...atDepths(URL_KEYS)];

const URL_KEY_SET: ReadonlySet<string> = new Set(URL_KEYS);
/** `scheme://user:password@` in any text; the password part is replaced. */
const URL_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)([^\s@/]*)@/gi;

/** Masks the password of every `scheme://user:password@host` URL in `text`. */
export function maskUrlCredentials(text: string): string {
  return text.replace(URL_CREDENTIALS, `$1${CENSORED}@`);
}

/** pino's censor: URL fields keep everything but their password; every other secret field is replaced. */
export function censorSecret(value: unknown, path: string[]): unknown {
  const key = path[path.length - 1] ?? '';
  if (URL_KEY_SET.has(key)) return typeof value === 'string' ? maskUrlCredentials(value) : value;
  return value === undefined ? value : CENSORED;
}

/**
 * pino's error serializer, with URL passwords masked in the message and stack: a driver's
 * "cannot connect to postgres://app:…@db" must not print the password.
 */
export function serializeError(error: unknown): SerializedError | unknown {
  if (!(error instanceof Error)) return error;
  const serialized = pino.stdSerializers.err(error);
  serialized.message = maskUrlCredentials(serialized.message);
  if (typeof serialized.stack === 'string') serialized.stack = maskUrlCredentials(serialized.stack);
  return serialized;
}
