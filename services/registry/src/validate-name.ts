import { InvalidArgumentError } from '@switchboard/errors';

/** Same rule as the CHECK constraints in migrations/0001: lowercase, digits, '-' and '_', 1–63 long. */
const NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** What a name belongs to, for error messages. */
type NamedKind = 'model' | 'route';

/**
 * Checks a model or route name. Names become NATS subject tokens (`infer.<model>.<priority>`) and
 * KV keys, so dots, wildcards and whitespace are not allowed.
 * @throws InvalidArgumentError explaining the rule when `name` breaks it.
 */
export function validateName(kind: NamedKind, name: string): string {
  if (name === '') throw new InvalidArgumentError(`${kind} name is required`);
  if (!NAME_PATTERN.test(name)) {
    throw new InvalidArgumentError(
      `${kind} name ${JSON.stringify(name)} is invalid: use 1-63 lowercase letters, digits, '-' or '_', ` +
        `starting with a letter or digit (the name becomes a NATS subject token)`,
    );
  }
  return name;
}
