/**
 * Job priorities. Each is its own subject (`infer.<model>.<priority>`) and consumer, because NATS 2.9
 * consumers take one filter subject; workers drain lower numbers first. The numbers follow Triton's
 * `priority` parameter, where 1 is the highest level.
 */
export const PRIORITY_LEVELS = [1, 2, 3] as const;

/** A job priority: 1 (highest), 2 (default) or 3 (lowest). */
export type Priority = (typeof PRIORITY_LEVELS)[number];

/** The priority of requests that ask for none (Triton's `priority` 0 means "default"). */
export const DEFAULT_PRIORITY: Priority = 2;

/** Maps a Triton-style priority value (0 = default, 1 = highest, larger = lower) onto our levels. */
export function toPriority(requested: number | bigint | undefined): Priority {
  if (requested === undefined) return DEFAULT_PRIORITY;
  const value = Number(requested);
  if (value <= 0) return DEFAULT_PRIORITY;
  if (value >= 3) return 3;
  return value as Priority;
}
