/** The OTEL_* variables a service passes to startTracing; other names are ignored. */
export type TracingEnvironment = Readonly<Record<string, string | undefined>>;

/** A variable's trimmed value, or undefined when it is unset or blank (the OTel spec treats both as unset). */
export function readVariable(environment: TracingEnvironment, name: string): string | undefined {
  const value = environment[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}
