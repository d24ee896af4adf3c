import { ResourceExhaustedError } from '@switchboard/errors';

/** The retry delay a concurrency refusal suggests: about one short request's time. */
const CONCURRENCY_RETRY_AFTER_MS = 100;

/**
 * Requests in flight per tenant on this router replica, against the tier's `maxConcurrent`. Local,
 * not shared: a count in NATS would leak slots whenever a router died mid-request; each replica
 * bounds its own share, and the rate limit is the shared quota. One entry per tenant with requests
 * in flight (registry tenants, or "anonymous"), removed when its last request ends.
 */
export class TenantConcurrency {
  readonly #inFlight = new Map<string, number>();

  /**
   * Takes a slot for a request of `tenant`; call the returned function exactly once when it ends.
   * @param maxConcurrent 0 for no limit.
   * @throws ResourceExhaustedError (retryable) when the tenant already has `maxConcurrent` in flight.
   */
  enter(tenant: string, tier: string, maxConcurrent: number): () => void {
    const count = this.#inFlight.get(tenant) ?? 0;
    if (maxConcurrent > 0 && count >= maxConcurrent) {
      throw new ResourceExhaustedError(
        `tenant ${tenant} already has ${count} requests in flight, the ${tier} tier's limit; ` +
          `retry in ${CONCURRENCY_RETRY_AFTER_MS} ms or when one of them is answered`,
        { retryAfterMs: CONCURRENCY_RETRY_AFTER_MS },
      );
    }
    this.#inFlight.set(tenant, count + 1);
    let left = false;
    return () => {
      if (left) return;
      left = true;
      const remaining = (this.#inFlight.get(tenant) ?? 1) - 1;
      if (remaining <= 0) this.#inFlight.delete(tenant);
      else this.#inFlight.set(tenant, remaining);
    };
  }

  /** Requests of `tenant` in flight on this router. */
  inFlight(tenant: string): number {
    return this.#inFlight.get(tenant) ?? 0;
  }
}
