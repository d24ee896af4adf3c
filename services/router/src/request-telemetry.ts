import { create, toBinary } from '@bufbuild/protobuf';
import type { MessageInitShape } from '@bufbuild/protobuf';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '@switchboard/logging';
import type { SubjectNames } from '@switchboard/nats';
import { RequestRecordSchema, UNKNOWN_NAME } from '@switchboard/protocol';
import type { JobResult } from '@switchboard/protocol';

/** A request record to publish, minus the timestamp. */
export type RequestRecordInit = Omit<MessageInitShape<typeof RequestRecordSchema>, 'atUnixMs' | '$typeName'>;

/** What a worker's result tells a request record: where and how the answer was computed. */
export function resultRecordFields(result: JobResult): RequestRecordInit {
  return {
    workerId: result.workerId,
    batchSize: result.batchSize,
    synthetic: result.synthetic,
    queueWaitUs: result.timings?.queueWaitUs ?? 0n,
    batchWaitUs: result.timings?.batchWaitUs ?? 0n,
    executeUs: result.timings?.executeUs ?? 0n,
    ...(result.confidence === undefined ? {} : { confidence: result.confidence }),
  };
}

/** How long finished-request records wait to be sent together. */
const FLUSH_INTERVAL_MS = 20;

/**
 * Publishes one record per finished request on telemetry.request.<model>, where the TELEMETRY stream
 * keeps it for the monitor; a request that resolved to no registered model goes to
 * telemetry.request.(unknown). Records are sent together every {@link FLUSH_INTERVAL_MS}: one socket
 * write for many records instead of one per request (a loopback write costs tens of microseconds of
 * router CPU here). Core NATS: a lost record must never slow or fail a request, so nothing here
 * throws — a record that cannot be sent is logged and dropped.
 */
export class RequestRecordPublisher {
  #pending: Array<{ subject: string; payload: Uint8Array }> = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly connection: NatsConnection,
    private readonly names: SubjectNames,
    private readonly logger: Logger,
  ) {}

  /** Queues `record` for the next flush; `model` must be a registered name or empty. */
  publish(record: RequestRecordInit): void {
    try {
      const message = create(RequestRecordSchema, { ...record, atUnixMs: BigInt(Date.now()) });
      this.#pending.push({
        subject: this.names.telemetryRequestSubject(message.model || UNKNOWN_NAME),
        payload: toBinary(RequestRecordSchema, message),
      });
    } catch (error) {
      this.logger.error({ err: error }, 'request record dropped');
      return;
    }
    this.#timer ??= setTimeout(() => this.flush(), FLUSH_INTERVAL_MS);
  }

  /** Sends every waiting record now (on shutdown, before the connection drains). */
  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const records = this.#pending;
    this.#pending = [];
    // A shadow copy settling while the router stops can arrive after the last flush; telemetry is
    // best effort, and publishing on a closed connection would throw from this timer.
    if (this.connection.isClosed() || this.connection.isDraining()) return;
    for (const { subject, payload } of records) {
      try {
        this.connection.publish(subject, payload);
      } catch (error) {
        // This runs in a timer: a throw here would be an uncaught exception.
        this.logger.error({ err: error }, 'request record dropped');
      }
    }
  }
}
