import { fromBinary } from '@bufbuild/protobuf';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { BatchRecordSchema } from '@switchboard/protocol';

/** One batch a worker ran, from its telemetry. */
export interface BatchSample {
  readonly model: string;
  readonly size: number;
  /** How long the runtime took for the batch, µs. */
  readonly executeUs: number;
  /** When the batch ended, Unix ms. */
  readonly atUnixMs: number;
}

/** Batches of one model in a time range: how many, their mean size and mean execute time. */
export interface BatchStatistics {
  readonly batches: number;
  readonly meanSize: number;
  readonly meanExecuteMs: number;
}

/**
 * Keeps the workers' per-batch telemetry (`BatchRecord` on `telemetry.batch.<model>`), which says
 * how large the batches a strategy formed were and how long the runtime took for them. Core NATS:
 * the bench reads along, it does not consume the TELEMETRY stream. Stop with `stop()`.
 */
export class BatchTelemetry {
  readonly #subscription: Subscription;
  readonly #samples: BatchSample[] = [];

  /** @param prefix the namespace's `telemetry.batch.` prefix. */
  constructor(connection: NatsConnection, prefix: string) {
    this.#subscription = connection.subscribe(`${prefix}>`, {
      callback: (error, message) => {
        // A lost or undecodable record only thins the statistics; the latencies are measured apart.
        if (error !== null) return;
        try {
          const record = fromBinary(BatchRecordSchema, message.data);
          this.#samples.push({
            model: record.model,
            size: record.size,
            executeUs: Number(record.executeUs),
            atUnixMs: Number(record.atUnixMs),
          });
        } catch {
          return;
        }
      },
    });
  }

  /** The batches of `model` that ended in [fromUnixMs, toUnixMs]. */
  samplesOf(model: string, fromUnixMs = -Infinity, toUnixMs = Infinity): BatchSample[] {
    return this.#samples.filter(
      (sample) => sample.model === model && sample.atUnixMs >= fromUnixMs && sample.atUnixMs <= toUnixMs,
    );
  }

  /** Count, mean size and mean execute time of `model`'s batches that ended in the range. */
  statisticsOf(model: string, fromUnixMs?: number, toUnixMs?: number): BatchStatistics {
    const samples = this.samplesOf(model, fromUnixMs, toUnixMs);
    const batches = samples.length;
    const sum = (value: (sample: BatchSample) => number) =>
      samples.reduce((total, sample) => total + value(sample), 0);
    return {
      batches,
      meanSize: batches === 0 ? 0 : sum((sample) => sample.size) / batches,
      meanExecuteMs: batches === 0 ? 0 : sum((sample) => sample.executeUs) / batches / 1_000,
    };
  }

  stop(): void {
    this.#subscription.unsubscribe();
  }
}
