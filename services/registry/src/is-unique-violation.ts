/** SQLSTATE of a unique constraint violation. */
const UNIQUE_VIOLATION = '23505';

/** Whether `error` is Postgres refusing a row because it breaks the unique constraint `constraint`. */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, constraint_name: name } = error as { code?: unknown; constraint_name?: unknown };
  return code === UNIQUE_VIOLATION && name === constraint;
}
