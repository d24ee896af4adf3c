/**
 * The rule for names the registry accepts for models, routes, tenants and tiers: 1–63 lowercase
 * letters, digits, '-' and '_', starting with a letter or digit (the CHECK constraints of the
 * registry's migrations say the same). Names become NATS subject tokens (`infer.<model>.<priority>`)
 * and KV keys, so dots, wildcards, whitespace and control characters can never appear in them.
 */
export const NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** {@link NAME_PATTERN} in words, for messages that tell a caller how to fix a name. */
export const NAME_RULE = "1-63 lowercase letters, digits, '-' or '_', starting with a letter or digit";

/** The longest version string a model may carry. */
export const MAX_VERSION_LENGTH = 64;

/** Whether `name` follows {@link NAME_PATTERN}. */
export function isValidName(name: string): boolean {
  return NAME_PATTERN.test(name);
}

// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const UNSAFE_VERSION_CHARACTER = /[\s\u0000-\u001f\u007f]/;

/** Whether `version` is a well-formed model version: 1–{@link MAX_VERSION_LENGTH} characters, no whitespace or control characters. */
export function isValidVersion(version: string): boolean {
  return (
    version.length > 0 && version.length <= MAX_VERSION_LENGTH && !UNSAFE_VERSION_CHARACTER.test(version)
  );
}

/**
 * How telemetry subjects, figures and metric labels show a name the registry does not know: a
 * request for a made-up model is counted, but under this one name, so clients cannot create series
 * or subjects at will. The parentheses keep it apart from every valid name; it is a valid NATS
 * subject token.
 */
export const UNKNOWN_NAME = '(unknown)';

/** The tenant of every request while a router runs without authentication. */
export const ANONYMOUS_TENANT = 'anonymous';
