import type { AssignRequest } from '@switchboard/protocol';

/** What an assignment is checked against. */
export interface AssignmentLimits {
  /** The newest epoch this worker has applied; 0 before any assignment. */
  newestEpoch: bigint;
  /** Memory the loaded models may hold together, bytes. */
  memoryBytes: number;
  /** Memory a model takes, bytes (the registry's figure or the measured one, whichever is larger). */
  memoryNeededBytes: (model: string) => number;
}

/**
 * Why the worker refuses `request`, or undefined when it applies it: an epoch below the newest
 * applied (the lease moved on; equal epochs are the same manager re-sending, so they pass), or
 * models that together need more memory than the worker has. Models the registry does not know
 * need nothing here; they are reported as failures once applied.
 */
export function describeAssignmentRefusal(
  request: AssignRequest,
  limits: AssignmentLimits,
): string | undefined {
  if (request.epoch < limits.newestEpoch) {
    return `stale epoch ${request.epoch}: this worker has applied epoch ${limits.newestEpoch}`;
  }
  const needs = [...new Set(request.models)].map((model) => ({
    model,
    bytes: limits.memoryNeededBytes(model),
  }));
  const totalBytes = needs.reduce((sum, need) => sum + need.bytes, 0);
  if (totalBytes <= limits.memoryBytes) return undefined;
  const listed = needs.map(({ model, bytes }) => `${model} ${bytes}`).join(', ');
  return `the models need ${totalBytes} bytes of memory (${listed}); this worker has ${limits.memoryBytes}`;
}
