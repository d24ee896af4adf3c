import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import { createRequire } from 'node:module';
import rateLimiterFlexible from 'rate-limiter-flexible';
import type {
  IRateLimiterOptions,
  RateLimiterRes as RateLimiterResult,
  RateLimiterStoreAbstract as StoreAbstract,
} from 'rate-limiter-flexible';

const { RateLimiterRes } = rateLimiterFlexible;
// The store base class the package's README names as the extension point for new stores is
// declared in its types but left out of its index, so it is loaded from its own file.
const RateLimiterStoreAbstract = createRequire(import.meta.url)(
  'rate-limiter-flexible/lib/RateLimiterStoreAbstract.js',
) as typeof StoreAbstract;

/** A counter as stored: points consumed in the window, and when the window ends (0: never). */
interface StoredCounter {
  points: number;
  expiresAtMs: number;
}

/** A counter as last seen by this router, with the revision a compare-and-set must match. */
interface SeenCounter {
  counter: StoredCounter;
  revision: number;
}

/** One consume's addition to a counter, waiting for the next write of its key. */
interface Addition {
  points: number;
  msDuration: number;
  /** Start a new window whatever the stored one (rate-limiter-flexible's `set` and `block`). */
  forceExpire: boolean;
  resolve: (counter: StoredCounter) => void;
  reject: (error: unknown) => void;
}

/** The counter after each addition in turn, from `current` (a window that ended counts as none). */
function applyAdditions(
  current: StoredCounter | undefined,
  additions: readonly Addition[],
  nowMs: number,
): StoredCounter[] {
  const counters: StoredCounter[] = [];
  let counter = current;
  for (const { points, msDuration, forceExpire } of additions) {
    const ended = counter === undefined || (counter.expiresAtMs > 0 && counter.expiresAtMs <= nowMs);
    counter =
      forceExpire || ended || counter === undefined
        ? { points, expiresAtMs: msDuration > 0 ? nowMs + msDuration : 0 }
        : { points: counter.points + points, expiresAtMs: counter.expiresAtMs };
    counters.push(counter);
  }
  return counters;
}

/** Compare-and-set rounds before a write gives up (and the insurance limiter answers instead). */
const MAX_CAS_ATTEMPTS = 5;

export interface NatsKvRateLimiterOptions extends IRateLimiterOptions {
  /** The `ratelimits` bucket; its keys are the limiter's keys (registry tenants), so they are bounded. */
  bucket: KV;
  /** Blocks a key in memory once it has consumed this many points, until its window ends. */
  inMemoryBlockOnConsumed?: number;
}

/**
 * A rate-limiter-flexible store over a NATS KV bucket, so every router replica counts against the
 * same window (rate-limiter-flexible's extension point for stores: `_upsert`, `_get`, `_delete`,
 * `_getRateLimiterRes`). Consumes become compare-and-sets on the key's last revision, those waiting
 * for the same key written together: one round trip while this router is the key's only writer, a
 * read and a retry when another replica wrote.
 */
export class NatsKvRateLimiter extends RateLimiterStoreAbstract {
  readonly #bucket: KV;
  /** Last revision seen per key; as many entries as tenants that sent requests (registry-bounded). */
  readonly #seen = new Map<string, SeenCounter>();
  /**
   * Additions waiting per key while a write of that key is in flight. This router's additions to
   * one counter go out together in the next write: one compare-and-set per round trip whatever
   * the rate, where writing them one by one queued a flood behind its own round trips (seconds),
   * and writing them at once made them fail each other's compare-and-set.
   */
  readonly #waiting = new Map<string, Addition[]>();

  constructor(options: NatsKvRateLimiterOptions) {
    const { bucket, ...limiterOptions } = options;
    super({ ...limiterOptions, storeClient: bucket });
    this.#bucket = bucket;
  }

  /** Adds `points` to the key's window (or starts a new one) and resolves with the counter after it. */
  _upsert(rlKey: string, points: number, msDuration: number, forceExpire = false): Promise<StoredCounter> {
    const key = toBucketKey(rlKey);
    return new Promise((resolve, reject) => {
      const waiting = this.#waiting.get(key);
      const addition = { points, msDuration, forceExpire, resolve, reject };
      if (waiting !== undefined) {
        waiting.push(addition);
        return;
      }
      this.#waiting.set(key, [addition]);
      this.#writeWaiting(key).catch(reject);
    });
  }

  /** Writes the key's waiting additions, batch after batch, until none are left. */
  async #writeWaiting(key: string): Promise<void> {
    for (;;) {
      const batch = this.#waiting.get(key) ?? [];
      if (batch.length === 0) {
        this.#waiting.delete(key);
        return;
      }
      // Later additions wait for the next write.
      this.#waiting.set(key, []);
      try {
        const counters = await this.#write(key, batch);
        batch.forEach((addition, index) => addition.resolve(counters[index] as StoredCounter));
      } catch (error) {
        for (const addition of batch) addition.reject(error);
      }
    }
  }

  /**
   * Applies `batch` to the stored counter with one compare-and-set (re-read and retried when another
   * replica wrote first) and returns the counter as each addition left it.
   */
  async #write(key: string, batch: readonly Addition[]): Promise<StoredCounter[]> {
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt += 1) {
      const seen = this.#seen.get(key) ?? (await this.#read(key));
      const counters = applyAdditions(seen?.counter, batch, Date.now());
      const counter = counters[counters.length - 1] as StoredCounter;
      try {
        const data = JSON.stringify(counter);
        const revision =
          seen === undefined
            ? await this.#bucket.create(key, data)
            : await this.#bucket.update(key, data, seen.revision);
        this.#seen.set(key, { counter, revision });
        return counters;
      } catch (error) {
        if (!isWriteConflict(error)) throw error;
        // Another replica wrote since we last looked: read its value and try again.
        this.#seen.delete(key);
      }
    }
    throw new Error(`rate limit counter ${key} stayed contended for ${MAX_CAS_ATTEMPTS} attempts`);
  }

  async _get(rlKey: string): Promise<StoredCounter | null> {
    const seen = await this.#read(toBucketKey(rlKey));
    return seen?.counter ?? null;
  }

  async _delete(rlKey: string): Promise<boolean> {
    const key = toBucketKey(rlKey);
    this.#seen.delete(key);
    await this.#bucket.delete(key);
    return true;
  }

  _getRateLimiterRes(_rlKey: string, changedPoints: number, counter: StoredCounter): RateLimiterResult {
    const isFirstInDuration = changedPoints === counter.points;
    const consumedPoints = isFirstInDuration ? changedPoints : counter.points;
    const msBeforeNext = counter.expiresAtMs > 0 ? Math.max(counter.expiresAtMs - Date.now(), 0) : -1;
    return new RateLimiterRes(
      Math.max(this.points - consumedPoints, 0),
      msBeforeNext,
      consumedPoints,
      isFirstInDuration,
    );
  }

  async #read(key: string): Promise<SeenCounter | undefined> {
    const entry = await this.#bucket.get(key);
    if (entry === null || entry.operation !== 'PUT') return undefined;
    const seen = { counter: entry.json<StoredCounter>(), revision: entry.revision };
    this.#seen.set(key, seen);
    return seen;
  }
}

/** The limiter's key (`<prefix>:<tenant>`) as a valid KV key: base64url keeps to KV's characters. */
function toBucketKey(rlKey: string): string {
  return Buffer.from(rlKey).toString('base64url');
}

/** Whether a compare-and-set lost to another writer (the key's last revision moved on). */
function isWriteConflict(error: unknown): boolean {
  return (
    error instanceof JetStreamApiError &&
    (error.code === JetStreamApiCodes.StreamWrongLastSequence ||
      error.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown)
  );
}
