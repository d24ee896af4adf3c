/**
 * Reads a flag's value as a number > 0, or `fallback` when the flag was not given.
 * @throws Error naming the flag, with an example, when the value is not a number > 0.
 */
export function readPositiveNumber(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`--${flag} must be a number > 0, got "${text}" (example: --${flag} 5)`);
  }
  return value;
}

/**
 * Reads a flag's value as a whole number > 0, or `fallback` when the flag was not given.
 * @throws Error naming the flag, with an example, when the value is not a whole number > 0.
 */
export function readWholeNumber(flag: string, text: string | undefined, fallback: number): number {
  const value = readPositiveNumber(flag, text, fallback);
  if (!Number.isInteger(value)) {
    throw new Error(`--${flag} must be a whole number, got "${text}" (example: --${flag} 5)`);
  }
  return value;
}

/**
 * Reads a comma-separated list of names out of `choices`, returned in the order of `choices`; all of
 * them when the flag was not given.
 * @throws Error naming the flag, the choices and an example when a name is not one of them.
 */
export function readChoiceList<Choice extends string>(
  flag: string,
  text: string | undefined,
  choices: readonly Choice[],
): Choice[] {
  if (text === undefined) return [...choices];
  const names = text.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !(choices as readonly string[]).includes(name));
  if (unknown.length > 0 || names.length === 0) {
    throw new Error(
      `--${flag} takes a list of ${choices.join(', ')}; got "${text}" (example: --${flag} ${choices.slice(0, 2).join(',')})`,
    );
  }
  return choices.filter((choice) => names.includes(choice));
}

/**
 * Reads a flag's value as a share in (0, `max`], or `fallback` when the flag was not given.
 * @throws Error naming the flag, with an example, when the value is not a number in (0, `max`].
 */
export function readShare(flag: string, text: string | undefined, fallback: number, max = 1): number {
  const value = readPositiveNumber(flag, text, fallback);
  if (value > max)
    throw new Error(`--${flag} must be at most ${max}, got "${text}" (example: --${flag} ${fallback})`);
  return value;
}

/** λ for a learned route: fitted on the training rows (`auto`), or given in reward per US dollar. */
export type CostWeightChoice =
  { readonly kind: 'auto' } | { readonly kind: 'fixed'; readonly perUsd: number };

/**
 * Reads `--cost-weight`: `auto` (also when the flag was not given) or a number ≥ 0 per US dollar.
 * @throws Error with an example when the value is neither.
 */
export function readCostWeight(text: string | undefined): CostWeightChoice {
  if (text === undefined || text === 'auto') return { kind: 'auto' };
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0) {
    throw new Error(`--cost-weight must be auto or a number >= 0, got "${text}" (example: --cost-weight 8)`);
  }
  return { kind: 'fixed', perUsd: value };
}
