import { InvalidArgumentError } from '@switchboard/errors';
import { NAME_RULE, isValidName } from '@switchboard/protocol';

/** What a name belongs to, for error messages. */
type NamedKind = 'model' | 'route' | 'tenant' | 'tier';

/**
 * Says what is wrong with a model, route, tenant or tier name, or returns undefined when it is
 * well-formed by the shared name rule (`NAME_PATTERN` in @switchboard/protocol, the same as the
 * CHECK constraints in migrations/0001 and 0002).
 */
export function describeNameProblem(kind: NamedKind, name: string): string | undefined {
  if (name === '') return `${kind} name is required`;
  if (isValidName(name)) return undefined;
  return `${kind} name ${JSON.stringify(name)} is invalid: use ${NAME_RULE} (the name becomes a NATS subject token)`;
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
