import { create } from '@bufbuild/protobuf';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { statusCodeName } from '@switchboard/errors';
import { BatchRecordSchema, RequestRecordSchema } from '@switchboard/protocol';
import type { BatchRecord, RequestRecord } from '@switchboard/protocol';

/** A deterministic pseudo-random generator (mulberry32), so every run sends the same records. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}

type RequestInit = Omit<MessageInitShape<typeof RequestRecordSchema>, '$typeName'>;
type BatchInit = Omit<MessageInitShape<typeof BatchRecordSchema>, '$typeName'>;

/** A request record as the router publishes it; `fields` override the defaults. */
export function requestRecord(fields: RequestInit): RequestRecord {
  return create(RequestRecordSchema, {
    requestId: `r-${Math.random().toString(36).slice(2)}`,
    requestClass: 'structured',
    cascadeSteps: 1,
    priority: 2,
    ...fields,
  });
}

/** A batch record as a worker publishes it. */
export function batchRecord(fields: BatchInit): BatchRecord {
  return create(BatchRecordSchema, { workerId: 'w1', runtime: 'synthetic', synthetic: true, ...fields });
}

/** The group's requests from a generator: latencies spread over 0.2–300 ms with a long tail. */
export function generateRequests(
  count: number,
  random: () => number,
  fields: Omit<RequestInit, 'atUnixMs'> & { atUnixMs: () => bigint },
): RequestRecord[] {
  return Array.from({ length: count }, (_, index) => {
    const tail = random() < 0.05 ? 20 : 1;
    const latencyUs = Math.round((200 + random() * 15_000) * tail);
    const failed = index % 13 === 5 ? 4 : index % 29 === 7 ? 14 : 0;
    return requestRecord({
      ...fields,
      atUnixMs: fields.atUnixMs(),
      latencyUs: BigInt(latencyUs),
      statusCode: failed,
      costMicros: 10 + Math.round(random() * 400) / 8,
    });
  });
}

/** Exact figures of a set of request records, computed the simple way. */
export interface ExactRequestFigures {
  count: number;
  errors: number;
  statusCounts: Record<string, number>;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  totalCostMicros: number;
}

/**
 * The nearest-rank percentile, as HdrHistogram defines it: the smallest value such that at least
 * ceil(p% × n) values (and at least one) are ≤ it. Sorting every value is fine in a test.
 */
export function exactPercentile(sortedValues: readonly number[], percentile: number): number {
  const rank = Math.max(1, Math.ceil((percentile / 100) * sortedValues.length - 1e-9));
  return sortedValues[rank - 1] ?? 0;
}

/** Figures of `records` computed from the raw values. */
export function exactRequestFigures(records: readonly RequestRecord[]): ExactRequestFigures {
  const latenciesMs = records.map((record) => Number(record.latencyUs) / 1_000).sort((a, b) => a - b);
  const statusCounts: Record<string, number> = {};
  for (const record of records) {
    const name = statusCodeName(record.statusCode);
    statusCounts[name] = (statusCounts[name] ?? 0) + 1;
  }
  return {
    count: records.length,
    errors: records.filter((record) => record.statusCode !== 0).length,
    statusCounts,
    p50Ms: exactPercentile(latenciesMs, 50),
    p95Ms: exactPercentile(latenciesMs, 95),
    p99Ms: exactPercentile(latenciesMs, 99),
    maxMs: latenciesMs.at(-1) ?? 0,
    totalCostMicros: records.reduce((sum, record) => sum + record.costMicros, 0),
  };
}
