/** The OTEL_* variables a service passes to startTracing; other names are ignored. */
export type TracingEnvironment = Readonly<Record<string, string | undefined>>;

/** A variable's trimmed value, or undefined when it is unset or blank (the OTel spec treats both as unset). */
export function readVariable(environment: TracingEnvironment, name: string): string | undefined {
  const value = environment[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/**
 * Picks the OTEL_* variables out of a whole environment, for a service's config.ts to pass to
 * startTracing (only config.ts reads `process.env`).
 */
export function pickOtelVariables(environment: TracingEnvironment): Readonly<Record<string, string>> {
  const picked: Record<string, string> = {};
  for (const [name, value] of Object.entries(environment)) {
    if (name.startsWith('OTEL_') && value !== undefined) picked[name] = value;
  }
  return Object.freeze(picked);
}
