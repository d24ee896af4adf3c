import { InvalidArgumentError } from '@switchboard/errors';

/** Same rule as the CHECK constraints in migrations/0001 and 0002: lowercase, digits, '-' and '_', 1–63 long. */
const NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** What a name belongs to, for error messages. */
type NamedKind = 'model' | 'route' | 'tenant' | 'tier';

/**
 * Says what is wrong with a model, route, tenant or tier name, or returns undefined when it is
 * well-formed. Names become NATS subject tokens (`infer.<model>.<priority>`) and KV keys, so dots,
 * wildcards and whitespace are not allowed.
 */
export function describeNameProblem(kind: NamedKind, name: string): string | undefined {
  if (name === '') return `${kind} name is required`;
  if (NAME_PATTERN.test(name)) return undefined;
  return (
    `${kind} name ${JSON.stringify(name)} is invalid: use 1-63 lowercase letters, digits, '-' or '_', ` +
    `starting with a letter or digit (the name becomes a NATS subject token)`
  );
}

/**
 * Checks a name by the rule of {@link describeNameProblem} and returns it.
 * @throws InvalidArgumentError explaining the rule when `name` breaks it.
 */
export function validateName(kind: NamedKind, name: string): string {
  const problem = describeNameProblem(kind, name);
  if (problem !== undefined) throw new InvalidArgumentError(problem);
  return name;
}
