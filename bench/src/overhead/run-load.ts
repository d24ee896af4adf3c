import { performance } from 'node:perf_hooks';
import type { Histogram } from 'hdr-histogram-js';
import { createLatencyHistogram, recordLatencyUs } from '../shared/latency-histogram.js';

/** Options for {@link runLoad}. */
export interface LoadOptions {
  /** Requests in flight at any time, each lane sending its next request when the last one answered. */
  readonly concurrency: number;
  /** No request starts after this much time. */
  readonly durationMs: number;
  /** No request starts after this many were started, whatever the time. */
  readonly maxRequests: number;
  /** Sends one request and resolves when its answer arrived. */
  readonly send: () => Promise<unknown>;
}

/** What one {@link runLoad} observed. */
export interface LoadResult {
  /** Latency of each successful request, in microseconds. */
  readonly histogram: Histogram;
  readonly completed: number;
  readonly failed: number;
  /** From the first request start until the last answer, in milliseconds. */
  readonly elapsedMs: number;
  /** The first failure, to explain a non-zero `failed`. */
  readonly firstError: unknown;
}

/**
 * Drives `send` in a closed loop from `concurrency` lanes until the time or count bound is reached,
 * then waits for the requests in flight. Latency is taken around each call, so it includes the
 * client's own encode/decode, as a real caller would see it.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const histogram = createLatencyHistogram();
  let started = 0;
  let completed = 0;
  let failed = 0;
  let firstError: unknown;
  const startedAtMs = performance.now();
  const deadlineMs = startedAtMs + options.durationMs;
  const lane = async () => {
    while (started < options.maxRequests && performance.now() < deadlineMs) {
      started += 1;
      const sentAtMs = performance.now();
      try {
        await options.send();
        recordLatencyUs(histogram, (performance.now() - sentAtMs) * 1000);
        completed += 1;
      } catch (error) {
        failed += 1;
        firstError ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, lane));
  return { histogram, completed, failed, elapsedMs: performance.now() - startedAtMs, firstError };
}
