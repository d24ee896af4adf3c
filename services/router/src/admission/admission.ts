import type { Tenant } from '../authenticate.js';
import type { TierSettings } from '../config.js';
import type { LoadView } from '../selection/load-view.js';
import type { Decision } from '../selection/model-selector.js';
import { checkQueueAdmission } from './check-queue-admission.js';
import type { TenantConcurrency } from './tenant-concurrency.js';
import type { TenantRateLimits } from './tenant-rate-limits.js';

export interface AdmissionOptions {
  load: LoadView;
  concurrency: TenantConcurrency;
  /** Shared per-tenant rates; none when absent (e.g. a router without the `ratelimits` bucket). */
  rateLimits?: TenantRateLimits;
  /** `ROUTER_MAX_QUEUED_PER_MODEL`. */
  maxQueuedPerModel: number;
}

/** One planned request, as admission sees it. */
export interface AdmissionRequest {
  tenant: Tenant;
  tier: TierSettings;
  decision: Decision;
  deadlineUnixMs: number;
  budgetMs: number;
}

/**
 * Decides whether a planned request may start now, so overload is refused at once with a retry
 * delay instead of being queued to time out or miss its SLO: the chosen model's queue bound and predicted wait
 * (cheapest check first), the tenant's requests in flight on this router, then the tenant's rate
 * across routers (a NATS round trip unless the tenant is already blocked in memory).
 */
export class Admission {
  constructor(private readonly options: AdmissionOptions) {}

  /**
   * Admits `request`, returning the function to call once it is answered (it frees the tenant's slot).
   * @throws ResourceExhaustedError (retryable, with retryAfterMs) when any limit refuses it.
   */
  async enter(request: AdmissionRequest): Promise<() => void> {
    const { tenant, tier, decision, deadlineUnixMs, budgetMs } = request;
    const first = decision.plan[0];
    if (first !== undefined) {
      const jobsAhead = this.options.load.jobsAhead(first.model.name);
      const queue = { jobsAhead, maxQueuedPerModel: this.options.maxQueuedPerModel };
      checkQueueAdmission(first, queue, { deadlineUnixMs, budgetMs });
    }
    const leave = this.options.concurrency.enter(tenant.name, tenant.tier, tier.maxConcurrent);
    try {
      await this.options.rateLimits?.consume(tenant.name, tenant.tier, tier);
    } catch (error) {
      leave();
      throw error;
    }
    return leave;
  }
}
