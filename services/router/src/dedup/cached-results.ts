import { fromBinary } from '@bufbuild/protobuf';
import type { KV } from '@nats-io/kv';
import type { Logger } from '@switchboard/logging';
import { JobResultSchema } from '@switchboard/protocol';
import type { JobResult } from '@switchboard/protocol';

/**
 * Reads answers from the `results` bucket, where workers store the result of every job that carried
 * a result key: a router whose publish JetStream dropped as a duplicate (the request id was sent
 * before, perhaps through a router that died) waits here instead of on its inbox.
 */
export class CachedResults {
  constructor(
    private readonly bucket: KV,
    private readonly logger: Logger,
  ) {}

  /**
   * Resolves with the result stored under `key` — at once when it is there, else when a worker
   * stores it — or undefined when `deadlineUnixMs` passes first or `signal` aborts.
   */
  async waitFor(key: string, deadlineUnixMs: number, signal: AbortSignal): Promise<JobResult | undefined> {
    // Most retries come after the answer: one read, without the consumer a watch creates.
    const stored = await this.bucket.get(key);
    const cached = stored?.operation === 'PUT' ? this.#decode(stored.value) : undefined;
    if (cached !== undefined) return cached;
    // A watch delivers the key's current value first, then every update: no gap after the read.
    const watcher = await this.bucket.watch({ key });
    const stop = () => watcher.stop();
    const timer = setTimeout(stop, Math.max(0, deadlineUnixMs - Date.now()));
    signal.addEventListener('abort', stop, { once: true });
    try {
      for await (const entry of watcher) {
        const result = entry.operation === 'PUT' ? this.#decode(entry.value) : undefined;
        if (result !== undefined) return result;
      }
      return undefined;
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', stop);
      watcher.stop();
    }
  }

  #decode(value: Uint8Array): JobResult | undefined {
    try {
      return fromBinary(JobResultSchema, value);
    } catch (error) {
      this.logger.warn({ err: error }, 'undecodable cached result ignored');
      return undefined;
    }
  }
}
