import { AckPolicy, DeliverPolicy } from '@nats-io/jetstream';
import type {
  ConsumerConfig,
  ConsumerMessages,
  JetStreamClient,
  JetStreamManager,
  JsMsg,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import type { Logger } from '@switchboard/logging';
import { isConsumerNotFound, stopConsuming } from '@switchboard/nats';

/** Messages handled (and written to Postgres) together at most. */
const MAX_BATCH = 200;
/** Messages the client keeps buffered ahead of the handler. */
const MAX_BUFFERED_MESSAGES = 500;
/** A batch the handler could not write is offered again after this long. */
const RETRY_DELAY_MS = 2_000;
/** Time to write a batch before JetStream redelivers it. */
const ACK_WAIT_MS = 60_000;

/** Where a durable reader reads and what it does with each batch. */
export interface DurableReaderOptions {
  readonly jetstream: JetStreamClient;
  readonly manager: JetStreamManager;
  readonly stream: string;
  /** The durable consumer's name: its position survives restarts. */
  readonly durable: string;
  /** Where a consumer created now starts: the whole stream, or only what arrives from now on. */
  readonly deliverFrom: 'all' | 'new';
  /** Only subjects matching this are delivered; the whole stream when absent. */
  readonly filterSubject?: string;
  /**
   * Handles a batch in stream order; the batch is acked once this resolves, so whatever it wrote
   * is durable before the stream forgets the messages. When it throws, the batch is delivered
   * again later.
   */
  readonly handle: (messages: readonly JsMsg[]) => Promise<void>;
  readonly logger: Logger;
}

/**
 * Reads a stream with a durable pull consumer, in batches, acking each batch only after its handler
 * succeeded. A restart resumes after the last acked message; a batch that failed comes again.
 */
export class DurableReader {
  readonly #options: DurableReaderOptions;
  #messages: ConsumerMessages | undefined;
  #loop: Promise<void> | undefined;
  #stopping = false;

  constructor(options: DurableReaderOptions) {
    this.#options = options;
  }

  /**
   * Creates the consumer if needed and starts reading.
   * @throws Error (from JetStream) when the stream is missing or the consumer cannot be created.
   */
  async start(): Promise<void> {
    const { jetstream, stream, durable, logger } = this.#options;
    await this.#ensureConsumer();
    const consumer = await jetstream.consumers.get(stream, durable);
    const messages = await consumer.consume({ max_messages: MAX_BUFFERED_MESSAGES });
    this.#messages = messages;
    this.#loop = this.#read(messages).catch((error: unknown) =>
      logger.error({ err: error, stream }, 'stream reader stopped; nothing more is learned until restart'),
    );
    logger.info({ stream, durable }, 'reading stream');
  }

  /** Stops reading; resolves once the batch in hand is handled and acked. Idempotent. */
  async stop(): Promise<void> {
    this.#stopping = true;
    if (this.#messages !== undefined) await stopConsuming(this.#messages);
    await this.#loop;
  }

  async #ensureConsumer(): Promise<void> {
    const { manager, stream, durable, deliverFrom, filterSubject } = this.#options;
    const config: Partial<ConsumerConfig> = {
      durable_name: durable,
      ...(filterSubject === undefined ? {} : { filter_subject: filterSubject }),
      ack_policy: AckPolicy.Explicit,
      deliver_policy: deliverFrom === 'all' ? DeliverPolicy.All : DeliverPolicy.New,
      ack_wait: nanos(ACK_WAIT_MS),
      max_ack_pending: MAX_BUFFERED_MESSAGES * 2,
    };
    try {
      await manager.consumers.info(stream, durable);
    } catch (error) {
      if (!isConsumerNotFound(error)) throw error;
      await manager.consumers.add(stream, config);
    }
  }

  async #read(messages: ConsumerMessages): Promise<void> {
    let batch: JsMsg[] = [];
    for await (const message of messages) {
      batch.push(message);
      // Nothing more waiting on the server: write what came so far rather than wait for more.
      if (batch.length >= MAX_BATCH || message.info.pending === 0) {
        await this.#handle(batch);
        batch = [];
      }
    }
    if (batch.length > 0) await this.#handle(batch);
    if (!this.#stopping) throw new Error('the subscription ended on its own');
  }

  async #handle(batch: readonly JsMsg[]): Promise<void> {
    try {
      await this.#options.handle(batch);
      for (const message of batch) message.ack();
    } catch (error) {
      this.#options.logger.warn(
        { err: error, stream: this.#options.stream, messages: batch.length },
        'could not store a batch; it will be delivered again',
      );
      for (const message of batch) message.nak(RETRY_DELAY_MS);
    }
  }
}
