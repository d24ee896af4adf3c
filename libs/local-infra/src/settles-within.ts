/**
 * Waits for `promise` to settle, but no longer than `timeoutMs`.
 * @returns true if it settled in time (its rejection counts as settling), false otherwise
 */
export async function settlesWithin(promise: Promise<unknown>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const settled = promise.then(
    () => true as const,
    () => true as const,
  );
  try {
    return await Promise.race([settled, timedOut]);
  } finally {
    // Clearing the timer keeps a fast stop() from holding the event loop open for the grace time.
    clearTimeout(timer);
  }
}
