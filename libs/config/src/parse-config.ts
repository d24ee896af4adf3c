import type { z } from 'zod';

/** The environment variables a config is read from: `process.env` in main code, a literal in tests. */
export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Thrown when environment variables are missing or malformed. The message names every bad
 * variable, what was wrong and an example of a valid value, so the operator can fix them all at once.
 */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * A config schema: one zod schema per environment variable, plus an example value for error
 * messages; `mask` rewrites a rejected value before an error repeats it (secrets, URL passwords).
 */
export type ConfigShape = Record<
  string,
  { schema: z.ZodType; example: string; mask?: (value: string) => string }
>;

/** The parsed config type of a shape: variable name → parsed value. */
export type ParsedConfig<S extends ConfigShape> = { readonly [K in keyof S]: z.output<S[K]['schema']> };

/**
 * Reads every variable of `shape` from `environment`, returning a frozen object keyed by variable
 * name. @throws ConfigError listing every variable that failed.
 */
export function parseConfig<S extends ConfigShape>(shape: S, environment: Environment): ParsedConfig<S> {
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  for (const [name, { schema, example, mask }] of Object.entries(shape)) {
    const result = schema.safeParse(environment[name]);
    if (result.success) {
      values[name] = result.data;
    } else {
      const reason = result.error.issues.map((issue) => issue.message).join('; ');
      const value = environment[name] ?? '';
      const given = JSON.stringify(mask === undefined ? value : mask(value));
      problems.push(`${name}=${given}: ${reason} (example: ${name}=${example})`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(values) as ParsedConfig<S>;
}

/** Shorthand to declare one variable of a {@link ConfigShape}. */
export function variable<T extends z.ZodType>(schema: T, example: string): { schema: T; example: string } {
  return { schema, example };
}

/** Declares a secret variable (a password or token): errors about it never repeat its value. */
export function secretVariable<T extends z.ZodType>(
  schema: T,
  example: string,
): { schema: T; example: string; mask: (value: string) => string } {
  return { schema, example, mask: () => '<hidden>' };
}

/** Declares a URL variable whose password (`user:password@`) errors never repeat. */
export function urlVariable<T extends z.ZodType>(
  schema: T,
  example: string,
): { schema: T; example: string; mask: (value: string) => string } {
  return { schema, example, mask: maskUrlPassword };
}

function maskUrlPassword(text: string): string {
  try {
    const url = new URL(text);
    if (url.password === '') return text;
    url.password = 'hidden';
    return url.toString();
  } catch {
    // Not a URL at all: it cannot be told apart from a password, so none of it is repeated.
    return text.includes('@') ? '<hidden>' : text;
  }
}
