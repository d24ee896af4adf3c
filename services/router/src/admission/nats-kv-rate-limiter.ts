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
 * `_getRateLimiterRes`). Each consume is one compare-and-set on the key's last revision: one round
 * trip while this router is the key's only writer, a read and a retry when another replica wrote.
 */
export class NatsKvRateLimiter extends RateLimiterStoreAbstract {
  readonly #bucket: KV;
  /** Last revision seen per key; as many entries as tenants that sent requests (registry-bounded). */
  readonly #seen = new Map<string, SeenCounter>();
  /**
   * The write in progress per key: this router's writes to one key go one after another, since
   * concurrent compare-and-sets from one process would only make each other fail and retry.
   */
  readonly #writing = new Map<string, Promise<StoredCounter>>();

  constructor(options: NatsKvRateLimiterOptions) {
    const { bucket, ...limiterOptions } = options;
    super({ ...limiterOptions, storeClient: bucket });
    this.#bucket = bucket;
  }

  /** Adds `points` to the key's window (or starts a new one) and resolves with the stored counter. */
  _upsert(rlKey: string, points: number, msDuration: number, forceExpire = false): Promise<StoredCounter> {
    const key = toBucketKey(rlKey);
    const write = () => this.#write(key, rlKey, points, msDuration, forceExpire);
    // After the key's previous write, whether it failed or not: its failure is its own caller's.
    const previous = this.#writing.get(key);
    const writing = previous === undefined ? write() : previous.then(write, write);
    this.#writing.set(key, writing);
    const forget = () => {
      if (this.#writing.get(key) === writing) this.#writing.delete(key);
    };
    writing.then(forget, forget);
    return writing;
  }

  async #write(
    key: string,
    rlKey: string,
    points: number,
    msDuration: number,
    forceExpire: boolean,
  ): Promise<StoredCounter> {
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt += 1) {
      const seen = this.#seen.get(key) ?? (await this.#read(key));
      const nowMs = Date.now();
      const current = seen?.counter;
      const expired = current === undefined || (current.expiresAtMs > 0 && current.expiresAtMs <= nowMs);
      const counter: StoredCounter =
        forceExpire || expired
          ? { points, expiresAtMs: msDuration > 0 ? nowMs + msDuration : 0 }
          : { points: current.points + points, expiresAtMs: current.expiresAtMs };
      try {
        const data = JSON.stringify(counter);
        const revision =
          seen === undefined
            ? await this.#bucket.create(key, data)
            : await this.#bucket.update(key, data, seen.revision);
        this.#seen.set(key, { counter, revision });
        return counter;
      } catch (error) {
        if (!isWriteConflict(error)) throw error;
        // Another replica wrote since we last looked: read its value and try again.
        this.#seen.delete(key);
      }
    }
    throw new Error(`rate limit counter ${rlKey} stayed contended for ${MAX_CAS_ATTEMPTS} attempts`);
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
