import { fromBinary } from '@bufbuild/protobuf';
import { DeliverPolicy } from '@nats-io/jetstream';
import type { ConsumerMessages, JetStreamClient, JetStreamManager, JsMsg } from '@nats-io/jetstream';
import type { Logger } from '@switchboard/logging';
import type { SubjectNames } from '@switchboard/nats';
import { BatchRecordSchema, RequestRecordSchema } from '@switchboard/protocol';
import type { BatchRecord, RequestRecord } from '@switchboard/protocol';
import type { RegistrySnapshot } from '@switchboard/registry-snapshot';
import { boundBatchRecordNames, boundRequestRecordNames } from './bound-record-names.js';
import type { TelemetryAggregator } from './telemetry-aggregator.js';

/** Messages the client keeps buffered ahead of the loop; replay after downtime runs at this batch size. */
const MAX_BUFFERED_MESSAGES = 1_000;

/** What the consumer needs. */
export interface TelemetryConsumerOptions {
  readonly jetstream: JetStreamClient;
  readonly manager: JetStreamManager;
  readonly names: SubjectNames;
  readonly aggregator: TelemetryAggregator;
  /** The names records may count under; any other becomes `(unknown)`. */
  readonly registry: RegistrySnapshot;
  /** Called for every request record applied for the first time (feeds the live load figures). */
  readonly onRequestApplied: (atMs: number, record: RequestRecord) => void;
  /** Called for every batch record applied for the first time. */
  readonly onBatchApplied: (atMs: number, record: BatchRecord) => void;
  readonly logger: Logger;
}

/**
 * Reads the TELEMETRY stream into the aggregator with an ordered (ephemeral, in-order, self-healing)
 * consumer that starts right after the aggregator's last sequence. No durable consumer and no acks:
 * the position lives in the Postgres checkpoint together with the figures it produced.
 */
export class TelemetryConsumer {
  readonly #options: TelemetryConsumerOptions;
  readonly #requestPrefix: string;
  readonly #batchPrefix: string;
  #messages: ConsumerMessages | undefined;
  #loop: Promise<void> | undefined;
  #caughtUp = false;
  #stopping = false;

  constructor(options: TelemetryConsumerOptions) {
    this.#options = options;
    this.#requestPrefix = options.names.telemetryRequestPrefix;
    this.#batchPrefix = options.names.telemetryBatchPrefix;
  }

  /**
   * Whether the last record read was the newest in the stream: from then on wall-clock time may
   * close rollup minutes (while replaying, only record time does).
   */
  get caughtUp(): boolean {
    return this.#caughtUp;
  }

  /**
   * Starts reading after the aggregator's position; resolves once the consumer exists.
   * @throws Error (from JetStream) when the stream cannot be read.
   */
  async start(): Promise<void> {
    const { jetstream, names, logger } = this.#options;
    const startSequence = await this.#resolveStartSequence();
    const consumer = await jetstream.consumers.get(
      names.telemetryStream,
      startSequence <= 1
        ? { deliver_policy: DeliverPolicy.All }
        : { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: startSequence },
    );
    const messages = await consumer.consume({ max_messages: MAX_BUFFERED_MESSAGES });
    this.#messages = messages;
    this.#loop = this.#read(messages).catch((error: unknown) =>
      logger.error({ err: error }, 'telemetry consumer stopped; figures are frozen until restart'),
    );
    logger.info({ startSequence, caughtUp: this.#caughtUp }, 'reading telemetry');
  }

  /** Stops reading; resolves once the record in hand has been applied. Idempotent. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#messages?.stop();
    await this.#loop;
  }

  async #resolveStartSequence(): Promise<number> {
    const { manager, names, aggregator, logger } = this.#options;
    const { created, state } = await manager.streams.info(names.telemetryStream);
    if (aggregator.followStream(created, state.last_seq))
      logger.warn({ created }, 'the telemetry stream was recreated; counting the new one from its start');
    const next = aggregator.lastSequence + 1;
    if (state.messages > 0 && next < state.first_seq)
      logger.warn({ lost: state.first_seq - next }, 'telemetry aged out of the stream before it was counted');
    this.#caughtUp = state.last_seq < next;
    return next;
  }

  async #read(messages: ConsumerMessages): Promise<void> {
    for await (const message of messages) {
      this.#apply(message);
      this.#caughtUp = message.info.pending === 0;
    }
    if (!this.#stopping) throw new Error('the telemetry subscription ended on its own');
  }

  #apply(message: JsMsg): void {
    const { aggregator, registry, onRequestApplied, onBatchApplied, logger } = this.#options;
    try {
      if (message.subject.startsWith(this.#requestPrefix)) {
        const record = fromBinary(RequestRecordSchema, message.data);
        boundRequestRecordNames(record, registry);
        const atMs = recordTime(record.atUnixMs, message);
        if (aggregator.applyRequest(message.seq, atMs, record)) onRequestApplied(atMs, record);
      } else if (message.subject.startsWith(this.#batchPrefix)) {
        const record = fromBinary(BatchRecordSchema, message.data);
        boundBatchRecordNames(record, registry);
        const atMs = recordTime(record.atUnixMs, message);
        if (aggregator.applyBatch(message.seq, atMs, record)) onBatchApplied(atMs, record);
      } else {
        aggregator.skip(message.seq);
      }
    } catch (error) {
      // A record we cannot decode must not stop the stream: skip it (counted nowhere) and say so.
      logger.warn(
        { err: error, subject: message.subject, sequence: message.seq },
        'skipping undecodable telemetry',
      );
      aggregator.skip(message.seq);
    }
  }
}

/** The record's own time; the time the stream stored it when the publisher left it unset. */
function recordTime(atUnixMs: bigint, message: JsMsg): number {
  return atUnixMs > 0n ? Number(atUnixMs) : Number(message.timestampNanos / 1_000_000n);
}
