import { create } from '@bufbuild/protobuf';
import { BatchRecordSchema } from '@switchboard/protocol';
import type { BatchRecord, ModelSpec } from '@switchboard/protocol';
import type { JobOutcome } from './execute-batch.js';
import type { LoadedModel } from './runtimes/runtime.js';

/**
 * Turns each executed batch of one model into its telemetry record. Utilisation is the batch's
 * execution time over the wall time since the previous batch ended: 1 for a model that never
 * waits for work, near 0 for one that mostly idles.
 */
export class BatchRecorder {
  #lastRecordAtMs = Date.now();

  constructor(
    private readonly spec: ModelSpec,
    private readonly model: LoadedModel,
    private readonly workerId: string,
  ) {}

  /** The record of a batch that started at `startedAtMs` and ended with `outcomes`. */
  record(outcomes: JobOutcome[], startedAtMs: number): BatchRecord {
    const executeUs = outcomes.reduce((longest, outcome) => Math.max(longest, outcome.executeUs), 0);
    const now = Date.now();
    const wallUs = Math.max(1, (now - this.#lastRecordAtMs) * 1000);
    this.#lastRecordAtMs = now;
    const oldestReceivedAtMs = Math.min(...outcomes.map((outcome) => outcome.held.receivedAtMs));
    return create(BatchRecordSchema, {
      workerId: this.workerId,
      model: this.spec.name,
      version: this.spec.version,
      runtime: this.spec.runtime,
      size: outcomes.length,
      executeUs: BigInt(executeUs),
      batchWaitUs: BigInt(Math.max(0, startedAtMs - oldestReceivedAtMs) * 1000),
      utilisation: Math.min(1, executeUs / wallUs),
      memoryBytes: BigInt(this.model.footprintBytes),
      atUnixMs: BigInt(now),
      failed: outcomes.filter((outcome) => 'error' in outcome).length,
      synthetic: this.model.synthetic,
    });
  }
}
