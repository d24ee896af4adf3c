import type { CallOutcome } from './call-outcome.js';

/** `; e.g. refusal 14 "…"` for the first of `calls`, or '' when there is none: detail for a failed check. */
export function describeFirstCall(calls: readonly CallOutcome[]): string {
  const first = calls[0];
  return first === undefined ? '' : `; e.g. ${first.kind} ${first.code} "${first.message}"`;
}
