import type { BatchRecord } from '@switchboard/protocol';
import { LatencyHistogram } from './latency-histogram.js';

/** {@link BatchCounters} as JSON, for the checkpoint. */
export interface BatchCountersState {
  readonly batches: number;
  readonly items: number;
  readonly failedItems: number;
  /** Batch size → number of batches; JSON keys are strings. */
  readonly sizeCounts: Readonly<Record<string, number>>;
  readonly utilisationSum: number;
  /** The execute-time histogram, compressed base64. */
  readonly execute: string;
}

/** What the monitor counts about a model's batches in one window. */
export class BatchCounters {
  batches = 0;
  items = 0;
  failedItems = 0;
  readonly sizeCounts = new Map<number, number>();
  /** Sum of BatchRecord.utilisation; divided by `batches` for the mean. */
  utilisationSum = 0;
  /** Execution time of a batch, microseconds. */
  readonly execute: LatencyHistogram;

  constructor(execute: LatencyHistogram = LatencyHistogram.create()) {
    this.execute = execute;
  }

  /** Rebuilds counters from {@link BatchCounters.toState}'s output. */
  static fromState(state: BatchCountersState): BatchCounters {
    const counters = new BatchCounters(LatencyHistogram.decode(state.execute));
    counters.batches = state.batches;
    counters.items = state.items;
    counters.failedItems = state.failedItems;
    for (const [size, count] of Object.entries(state.sizeCounts))
      counters.sizeCounts.set(Number(size), count);
    counters.utilisationSum = state.utilisationSum;
    return counters;
  }

  /** Counts one executed batch. */
  record(record: BatchRecord): void {
    this.batches += 1;
    this.items += record.size;
    this.failedItems += record.failed;
    this.sizeCounts.set(record.size, (this.sizeCounts.get(record.size) ?? 0) + 1);
    this.utilisationSum += record.utilisation;
    this.execute.record(Number(record.executeUs));
  }

  /** Adds `other`'s counts to these. */
  add(other: BatchCounters): void {
    this.batches += other.batches;
    this.items += other.items;
    this.failedItems += other.failedItems;
    for (const [size, count] of other.sizeCounts)
      this.sizeCounts.set(size, (this.sizeCounts.get(size) ?? 0) + count);
    this.utilisationSum += other.utilisationSum;
    this.execute.add(other.execute);
  }

  /** The median batch size (the smallest size at least half of the batches are not larger than); 0 when empty. */
  medianSize(): number {
    let seen = 0;
    for (const [size, count] of [...this.sizeCounts].sort(([a], [b]) => a - b)) {
      seen += count;
      if (seen * 2 >= this.batches) return size;
    }
    return 0;
  }

  toState(): BatchCountersState {
    return {
      batches: this.batches,
      items: this.items,
      failedItems: this.failedItems,
      sizeCounts: Object.fromEntries(this.sizeCounts),
      utilisationSum: this.utilisationSum,
      execute: this.execute.encode(),
    };
  }
}
