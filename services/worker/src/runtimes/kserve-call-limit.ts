/** Runs calls with at most a fixed number in flight; the rest wait their turn, first come first served. */
export interface CallLimit {
  run<T>(call: () => Promise<T>): Promise<T>;
}

/**
 * Creates a {@link CallLimit} letting `maxInFlight` calls run at once, so one loaded model never
 * sends its upstream more than that many concurrent requests however many batches the worker runs.
 */
export function createCallLimit(maxInFlight: number): CallLimit {
  let inFlight = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    const next = waiting.shift();
    // The slot passes straight to the next waiter, so inFlight stays as it is.
    if (next === undefined) inFlight--;
    else next();
  };
  return {
    async run(call) {
      if (inFlight < maxInFlight) inFlight++;
      else await new Promise<void>((resolve) => waiting.push(resolve));
      try {
        return await call();
      } finally {
        release();
      }
    },
  };
}
