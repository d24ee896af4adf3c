import { StorageType } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import type { KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { ResourceExhaustedError } from '@switchboard/errors';
import type { SubjectNames } from '@switchboard/nats';
import rateLimiterFlexible from 'rate-limiter-flexible';
import type { RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import type { TierSettings } from '../config.js';
import { NatsKvRateLimiter } from './nats-kv-rate-limiter.js';

const { BurstyRateLimiter, RateLimiterMemory } = rateLimiterFlexible;

/** The rate window: `ratePerSecond` requests per second. */
const RATE_WINDOW_SECONDS = 1;
/** `burst` requests above the rate are allowed in each window this long. */
const BURST_WINDOW_SECONDS = 10;
/** Counters live one window; the bucket keeps a key a little longer so a late reader still finds it. */
const BUCKET_MAX_AGE_MS = 60_000;
/** One small JSON counter per tenant and window: a few MiB hold tens of thousands of tenants. */
const BUCKET_MAX_BYTES = 8 * 1024 ** 2;

/** A limiter of one tier: `consume(tenant)` resolves when a request may start, else rejects. */
interface TierLimiter {
  consume(key: string): Promise<RateLimiterRes>;
}

/**
 * Opens (creating if needed) the `ratelimits` bucket shared by every router replica: one counter
 * per tenant and window, expiring on its own. In memory: a counter lives for seconds, and a NATS
 * restart merely starts every window afresh. `replicas`: servers holding it (`NATS_STREAM_REPLICAS`).
 */
export async function openRateLimitBucket(
  connection: NatsConnection,
  names: SubjectNames,
  replicas = 1,
): Promise<KV> {
  return new Kvm(connection).create(names.rateLimitBucket, {
    history: 1,
    replicas,
    storage: StorageType.Memory,
    ttl: BUCKET_MAX_AGE_MS,
    max_bytes: BUCKET_MAX_BYTES,
  });
}

/**
 * Per-tenant request rates by tier (`ratePerSecond` plus `burst`), counted across router replicas in
 * the `ratelimits` bucket with rate-limiter-flexible. A tenant over its limit is then blocked in
 * this router's memory until its window ends, so a flood costs no NATS round trips; while NATS
 * fails, an in-memory limiter of the same size answers per replica.
 */
export class TenantRateLimits {
  /** One limiter per tier with a rate; the tiers come from config, so the map is bounded. */
  readonly #limiters = new Map<string, TierLimiter>();

  constructor(bucket: KV, tiers: Readonly<Record<string, TierSettings>>) {
    for (const [tier, settings] of Object.entries(tiers)) {
      if (settings.ratePerSecond > 0) this.#limiters.set(tier, createTierLimiter(bucket, tier, settings));
    }
  }

  /**
   * Counts one request of `tenant` against its tier's rate.
   * @throws ResourceExhaustedError (retryable, with the delay until the window has room) when the
   *   tenant is over its rate and burst.
   */
  async consume(tenant: string, tier: string, settings: TierSettings): Promise<void> {
    const limiter = this.#limiters.get(tier);
    if (limiter === undefined) return;
    try {
      await limiter.consume(tenant);
    } catch (rejection) {
      if (!isLimiterRefusal(rejection)) throw rejection;
      const retryAfterMs = Math.max(1, rejection.msBeforeNext);
      throw new ResourceExhaustedError(
        `tenant ${tenant} is over the ${tier} tier's rate of ${settings.ratePerSecond} requests/s ` +
          `(burst ${settings.burst} per ${BURST_WINDOW_SECONDS} s); retry in ${retryAfterMs} ms`,
        { retryAfterMs },
      );
    }
  }
}

function createTierLimiter(bucket: KV, tier: string, settings: TierSettings): TierLimiter {
  const rate = createSharedLimiter(bucket, `rate.${tier}`, settings.ratePerSecond, RATE_WINDOW_SECONDS);
  if (settings.burst === 0) return rate;
  const burst = createSharedLimiter(bucket, `burst.${tier}`, settings.burst, BURST_WINDOW_SECONDS);
  return new BurstyRateLimiter(rate, burst);
}

function createSharedLimiter(
  bucket: KV,
  keyPrefix: string,
  points: number,
  duration: number,
): RateLimiterAbstract {
  return new NatsKvRateLimiter({
    bucket,
    keyPrefix,
    points,
    duration,
    // Once over the limit the key is refused from memory until the window ends: no round trips.
    inMemoryBlockOnConsumed: points,
    insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration }),
  }) as unknown as RateLimiterAbstract;
}

/** rate-limiter-flexible rejects with a RateLimiterRes when over the limit, with an Error when it failed. */
function isLimiterRefusal(rejection: unknown): rejection is RateLimiterRes {
  return rejection instanceof rateLimiterFlexible.RateLimiterRes;
}
