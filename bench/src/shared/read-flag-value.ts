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
