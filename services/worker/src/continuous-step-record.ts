import { create } from '@bufbuild/protobuf';
import { BatchRecordSchema } from '@switchboard/protocol';
import type { BatchRecord } from '@switchboard/protocol';
import type { StepReport } from './continuous-batcher.js';
import type { HeldJob } from './held-job.js';
import type { ServedVersion } from './model-versions.js';

/**
 * Turns each step of continuous batching in which sequences finished into a telemetry batch record.
 * `size` is the sequences active in the step and `execute_us` the mean admission-to-finish time of
 * the sequences that finished in it, so size ÷ execute time is sequences per second by Little's law
 * (sequences in the system = throughput × time each spends in it): the resource manager's capacity
 * fit (ReplicaCapacity, size ÷ execute time) reads a continuous model as it reads a batching one.
 * Utilisation is the time the model spent admitting and stepping over the wall time since the
 * previous record of the same version.
 */
export class StepRecorder {
  readonly #lastRecordAtMs = new Map<string, number>();
  readonly #createdAtMs = Date.now();

  constructor(private readonly workerId: string) {}

  /** The record of one step of `served` in which sequences finished. */
  record({ spec, model }: ServedVersion, step: StepReport<HeldJob>): BatchRecord {
    const finished = step.finishedSequences;
    const executeUs = finished.reduce((sum, sequence) => sum + sequence.executeUs, 0) / finished.length;
    const now = Date.now();
    const wallUs = Math.max(1, (now - (this.#lastRecordAtMs.get(spec.version) ?? this.#createdAtMs)) * 1000);
    this.#lastRecordAtMs.set(spec.version, now);
    const jobs = new Set(finished.map((sequence) => sequence.item));
    const admissionWaitMs = Math.max(
      ...finished.map((sequence) => sequence.admittedAtUnixMs - sequence.item.receivedAtMs),
    );
    return create(BatchRecordSchema, {
      workerId: this.workerId,
      model: spec.name,
      version: spec.version,
      runtime: spec.runtime,
      size: step.sequences,
      executeUs: BigInt(Math.round(executeUs)),
      batchWaitUs: BigInt(Math.max(0, admissionWaitMs) * 1000),
      utilisation: Math.min(1, step.busyUs / wallUs),
      memoryBytes: BigInt(model.footprintBytes),
      atUnixMs: BigInt(now),
      synthetic: model.synthetic,
      inputUnits: BigInt([...jobs].reduce((sum, held) => sum + held.inputUnits, 0)),
      // Sequences join and leave one by one; none is padded to another's length.
      paddingWaste: 0,
    });
  }
}
