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

/** A config schema: one zod schema per environment variable, plus an example value for error messages. */
export type ConfigShape = Record<string, { schema: z.ZodType; example: string }>;

/** The parsed config type of a shape: variable name → parsed value. */
export type ParsedConfig<S extends ConfigShape> = { readonly [K in keyof S]: z.output<S[K]['schema']> };

/**
 * Reads every variable of `shape` from `environment`, returning a frozen object keyed by variable
 * name. @throws ConfigError listing every variable that failed.
 */
export function parseConfig<S extends ConfigShape>(shape: S, environment: Environment): ParsedConfig<S> {
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  for (const [name, { schema, example }] of Object.entries(shape)) {
    const result = schema.safeParse(environment[name]);
    if (result.success) {
      values[name] = result.data;
    } else {
      const reason = result.error.issues.map((issue) => issue.message).join('; ');
      problems.push(
        `${name}=${JSON.stringify(environment[name] ?? '')}: ${reason} (example: ${name}=${example})`,
      );
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(values) as ParsedConfig<S>;
}

/** Shorthand to declare one variable of a {@link ConfigShape}. */
export function variable<T extends z.ZodType>(schema: T, example: string): { schema: T; example: string } {
  return { schema, example };
}
