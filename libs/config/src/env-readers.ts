import { z } from 'zod';

/**
 * Zod schemas for environment variables. Each reads a string (or undefined when unset) and treats
 * an empty string like unset, so `FOO=` falls back to the default instead of failing.
 */
const unsetIfEmpty = (value: unknown) => (value === '' ? undefined : value);

/** A string; `fallback` when unset or empty. */
export function envString(fallback: string) {
  return z.preprocess(unsetIfEmpty, z.string().default(fallback));
}

/** An optional string: undefined when unset or empty. */
export function envOptionalString() {
  return z.preprocess(unsetIfEmpty, z.string().optional());
}

/** A whole number within [min, max], as the text of a variable. */
function wholeNumber(bounds: { min?: number; max?: number }) {
  return z.coerce
    .number()
    .int()
    .min(bounds.min ?? Number.MIN_SAFE_INTEGER)
    .max(bounds.max ?? Number.MAX_SAFE_INTEGER);
}

/** A whole number within [min, max]; `fallback` when unset or empty. */
export function envInt(fallback: number, bounds: { min?: number; max?: number } = {}) {
  return z.preprocess(unsetIfEmpty, wholeNumber(bounds).default(fallback));
}

/** A whole number within [min, max], or undefined when unset or empty. */
export function envOptionalInt(bounds: { min?: number; max?: number } = {}) {
  return z.preprocess(unsetIfEmpty, wholeNumber(bounds).optional());
}

/** A finite number within [min, max], e.g. a fraction; `fallback` when unset or empty. */
export function envNumber(fallback: number, bounds: { min?: number; max?: number } = {}) {
  return z.preprocess(
    unsetIfEmpty,
    z.coerce
      .number()
      .finite()
      .min(bounds.min ?? -Number.MAX_VALUE)
      .max(bounds.max ?? Number.MAX_VALUE)
      .default(fallback),
  );
}

const DURATION_UNITS_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A duration like `250ms`, `5s`, `2m` or a bare number of milliseconds; returns milliseconds. */
export function envDurationMs(fallbackMs: number) {
  return z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .regex(
        /^\d+(\.\d+)?(ms|s|m|h)?$/,
        'expected a duration such as 250ms, 5s, 2m or a number of milliseconds',
      )
      .transform((text) => {
        const [, amount = '0', unit = 'ms'] = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text) ?? [];
        return Math.round(Number(amount) * (DURATION_UNITS_MS[unit] ?? 1));
      })
      .default(fallbackMs),
  );
}

/** A comma-separated list; blanks are dropped; `fallback` when unset or empty. */
export function envList(fallback: string[]) {
  return z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .transform((text) =>
        text
          .split(',')
          .map((item) => item.trim())
          .filter((item) => item !== ''),
      )
      .default(fallback),
  );
}

/** One of `values`; `fallback` when unset or empty. */
export function envEnum<const T extends readonly [string, ...string[]]>(values: T, fallback: T[number]) {
  return z.preprocess(unsetIfEmpty, z.enum(values).default(fallback as never));
}

/**
 * A URL with one of the given protocols (e.g. `nats:`); `fallback` when unset or empty, or
 * undefined when no fallback is given.
 */
export function envUrl(protocols: string[], fallback: string): z.ZodType<string>;
export function envUrl(protocols: string[]): z.ZodType<string | undefined>;
export function envUrl(protocols: string[], fallback?: string): z.ZodType<string | undefined> {
  const url = z.string().refine((text) => URL.canParse(text) && protocols.includes(new URL(text).protocol), {
    message: `expected a URL starting with ${protocols.map((protocol) => `${protocol}//`).join(' or ')}`,
  });
  return z.preprocess(unsetIfEmpty, fallback === undefined ? url.optional() : url.default(fallback));
}

/** `true`/`false`/`1`/`0`; `fallback` when unset or empty. */
export function envBoolean(fallback: boolean) {
  return z.preprocess(
    unsetIfEmpty,
    z
      .enum(['true', 'false', '1', '0'])
      .transform((text) => text === 'true' || text === '1')
      .default(fallback),
  );
}
