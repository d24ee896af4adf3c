import { StatusCode, statusCodeName } from '@switchboard/errors';
import type { RequestRecord } from '@switchboard/protocol';
import { LatencyHistogram } from './latency-histogram.js';

/** {@link RequestCounters} as JSON, for the checkpoint. */
export interface RequestCountersState {
  readonly count: number;
  readonly errors: number;
  readonly statusCounts: Readonly<Record<string, number>>;
  readonly costMicros: number;
  readonly maxLatencyUs: number;
  /** The latency histogram, compressed base64 (see LatencyHistogram). */
  readonly latency: string;
}

/** What the monitor counts about a set of requests: one group in one window, or one minute. */
export class RequestCounters {
  count = 0;
  /** Requests answered with a non-OK status. */
  errors = 0;
  /** Requests by gRPC status name, OK included, so the counts add up to `count`. */
  readonly statusCounts = new Map<string, number>();
  costMicros = 0;
  /** Exact, unlike the histogram's maximum, which is rounded to its precision. */
  maxLatencyUs = 0;
  /** End-to-end latency at the router, microseconds. */
  readonly latency: LatencyHistogram;

  constructor(latency: LatencyHistogram = LatencyHistogram.create()) {
    this.latency = latency;
  }

  /** Rebuilds counters from {@link RequestCounters.toState}'s output. */
  static fromState(state: RequestCountersState): RequestCounters {
    const counters = new RequestCounters(LatencyHistogram.decode(state.latency));
    counters.count = state.count;
    counters.errors = state.errors;
    for (const [name, count] of Object.entries(state.statusCounts)) counters.statusCounts.set(name, count);
    counters.costMicros = state.costMicros;
    counters.maxLatencyUs = state.maxLatencyUs;
    return counters;
  }

  /** Counts one finished request. */
  record(record: RequestRecord): void {
    const latencyUs = Math.max(0, Number(record.latencyUs));
    this.count += 1;
    if (record.statusCode !== StatusCode.OK) this.errors += 1;
    const status = statusCodeName(record.statusCode);
    this.statusCounts.set(status, (this.statusCounts.get(status) ?? 0) + 1);
    this.costMicros += record.costMicros;
    this.maxLatencyUs = Math.max(this.maxLatencyUs, latencyUs);
    this.latency.record(latencyUs);
  }

  /** Adds `other`'s counts to these. */
  add(other: RequestCounters): void {
    this.count += other.count;
    this.errors += other.errors;
    for (const [name, count] of other.statusCounts)
      this.statusCounts.set(name, (this.statusCounts.get(name) ?? 0) + count);
    this.costMicros += other.costMicros;
    this.maxLatencyUs = Math.max(this.maxLatencyUs, other.maxLatencyUs);
    this.latency.add(other.latency);
  }

  toState(): RequestCountersState {
    return {
      count: this.count,
      errors: this.errors,
      statusCounts: Object.fromEntries(this.statusCounts),
      costMicros: this.costMicros,
      maxLatencyUs: this.maxLatencyUs,
      latency: this.latency.encode(),
    };
  }
}
