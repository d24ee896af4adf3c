import { create } from '@bufbuild/protobuf';
import { BatchRecordSchema } from '@switchboard/protocol';
import type { BatchRecord } from '@switchboard/protocol';
import type { JobOutcome } from './execute-batch.js';
import type { ServedVersion } from './model-versions.js';

/**
 * Turns each executed batch of one model into its telemetry record, naming the version that ran.
 * Utilisation is the batch's execution time over the wall time since the previous batch of the
 * same version ended (versions run beside each other): 1 for a version that never waits for work,
 * near 0 for one that mostly idles.
 */
export class BatchRecorder {
  readonly #lastRecordAtMs = new Map<string, number>();
  readonly #createdAtMs = Date.now();

  constructor(private readonly workerId: string) {}

  /** The record of a batch of `served` that started at `startedAtMs` and ended with `outcomes`. */
  record({ spec, model }: ServedVersion, outcomes: JobOutcome[], startedAtMs: number): BatchRecord {
    const executeUs = outcomes.reduce((longest, outcome) => Math.max(longest, outcome.executeUs), 0);
    const now = Date.now();
    const wallUs = Math.max(1, (now - (this.#lastRecordAtMs.get(spec.version) ?? this.#createdAtMs)) * 1000);
    this.#lastRecordAtMs.set(spec.version, now);
    const oldestReceivedAtMs = Math.min(...outcomes.map((outcome) => outcome.held.receivedAtMs));
    const units = outcomes.map((outcome) => outcome.held.inputUnits);
    return create(BatchRecordSchema, {
      workerId: this.workerId,
      model: spec.name,
      version: spec.version,
      runtime: spec.runtime,
      size: outcomes.length,
      executeUs: BigInt(executeUs),
      batchWaitUs: BigInt(Math.max(0, startedAtMs - oldestReceivedAtMs) * 1000),
      utilisation: Math.min(1, executeUs / wallUs),
      memoryBytes: BigInt(model.footprintBytes),
      atUnixMs: BigInt(now),
      failed: outcomes.filter((outcome) => 'error' in outcome).length,
      synthetic: model.synthetic,
      inputUnits: BigInt(units.reduce((sum, each) => sum + each, 0)),
      paddingWaste: paddingWaste(units),
    });
  }
}

/**
 * The share of a batch's input a runtime padding every job to the largest one would fill with
 * padding: 0 when all jobs are the same size, near 1 when one long job pads many short ones.
 */
export function paddingWaste(units: readonly number[]): number {
  const largest = Math.max(0, ...units);
  if (largest === 0) return 0;
  const total = units.reduce((sum, each) => sum + each, 0);
  return 1 - total / (units.length * largest);
}
