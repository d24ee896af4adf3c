import type { Msg, MsgHdrs, NatsConnection, Subscription } from '@nats-io/transport-node';

/** What JetStream answered for a stored message. */
export interface PublishAck {
  readonly stream: string;
  readonly seq: number;
  /** JetStream already held a message with this message id (within the stream's duplicate window). */
  readonly duplicate: boolean;
}

/** Options of one {@link AckedPublisher.publish}. */
export interface AckedPublishOptions {
  /** JetStream drops a second message with the same id within the stream's duplicate window. */
  readonly msgId: string;
  /** Headers to send (e.g. trace context); `Nats-Msg-Id` is added to them. */
  readonly headers: MsgHdrs;
  /** How long to wait for the acknowledgement. */
  readonly timeoutMs: number;
}

/** A message waiting for the end of the event loop's turn. */
interface Outgoing {
  readonly token: string;
  readonly subject: string;
  readonly data: Uint8Array;
  readonly headers: MsgHdrs;
}

interface Waiter {
  resolve: (ack: PublishAck) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/** The body of a JetStream publish acknowledgement: the stored position, or an API error. */
interface AckBody {
  stream?: string;
  seq?: number;
  duplicate?: boolean;
  error?: { code?: number; description?: string };
}

/** NATS' status when no subscriber (here: no stream) takes the subject. */
const NO_RESPONDERS = 503;

/**
 * JetStream publishes whose acknowledgements come back on one subscription of the router's inbox
 * (`<inbox>.ack.<n>`). Each publish is acknowledged as with JetStreamClient.publish — the message is
 * stored before the promise resolves — without nats.js' request machinery, which builds an error
 * object (a stack trace), a timer and a promise of its own for every request it completes.
 *
 * The messages published during one turn of the event loop are handed to the connection together
 * at its end (setImmediate), so they leave in one socket write: nats.js writes at the end of each
 * callback's microtasks, and every gRPC call is a callback of its own, which made one write per job.
 * A socket write costs tens of microseconds of CPU here, more than the rest of a publish.
 */
export class AckedPublisher {
  readonly #waiting = new Map<string, Waiter>();
  #outgoing: Outgoing[] = [];
  readonly #prefix: string;
  #next = 0;
  #subscription: Subscription | undefined;

  constructor(
    private readonly connection: NatsConnection,
    inbox: string,
  ) {
    this.#prefix = `${inbox}.ack.`;
  }

  /** Subscribes to the acknowledgements; call once before publishing. */
  start(): void {
    this.#subscription = this.connection.subscribe(`${this.#prefix}*`, {
      callback: (error, message) => {
        if (error === null) this.#receive(message);
      },
    });
  }

  /**
   * Publishes `data` on `subject` and resolves once JetStream stored it.
   * @throws Error when no stream takes the subject, JetStream refuses the message (e.g. a full stream),
   *   the connection is closed, or no acknowledgement arrives within `timeoutMs`.
   */
  publish(subject: string, data: Uint8Array, options: AckedPublishOptions): Promise<PublishAck> {
    const token = (this.#next++).toString(36);
    options.headers.set('Nats-Msg-Id', options.msgId);
    return new Promise<PublishAck>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(token);
        reject(new Error(`JetStream did not acknowledge ${subject} within ${options.timeoutMs} ms`));
      }, options.timeoutMs);
      this.#waiting.set(token, { resolve, reject, timer });
      if (this.#outgoing.length === 0) setImmediate(() => this.#send());
      this.#outgoing.push({ token, subject, data, headers: options.headers });
    });
  }

  /** Hands the turn's messages to the connection, which writes them at once. */
  #send(): void {
    const outgoing = this.#outgoing;
    this.#outgoing = [];
    for (const { token, subject, data, headers } of outgoing) {
      if (!this.#waiting.has(token)) continue; // timed out or stopped meanwhile
      try {
        this.connection.publish(subject, data, { reply: this.#prefix + token, headers });
      } catch (error) {
        this.#take(token)?.reject(error instanceof Error ? error : new Error(String(error)));
      }
    }
  }

  /** Stops listening; publishes still waiting fail. Idempotent. */
  stop(): void {
    this.#subscription?.unsubscribe();
    for (const token of [...this.#waiting.keys()]) {
      this.#take(token)?.reject(new Error('the router stopped before JetStream acknowledged the message'));
    }
  }

  #receive(message: Msg): void {
    const waiter = this.#take(message.subject.slice(this.#prefix.length));
    if (waiter === undefined) return; // timed out already
    if (message.headers?.code === NO_RESPONDERS) {
      waiter.reject(new Error('no JetStream stream takes the subject (is the stream created?)'));
      return;
    }
    let body: AckBody;
    try {
      body = message.json<AckBody>();
    } catch (error) {
      waiter.reject(new Error('JetStream sent an unreadable acknowledgement', { cause: error }));
      return;
    }
    if (body.error !== undefined || typeof body.stream !== 'string' || body.stream === '') {
      waiter.reject(
        new Error(`JetStream refused the message: ${body.error?.description ?? 'no stream named'}`),
      );
      return;
    }
    waiter.resolve({ stream: body.stream, seq: body.seq ?? 0, duplicate: body.duplicate === true });
  }

  #take(token: string): Waiter | undefined {
    const waiter = this.#waiting.get(token);
    if (waiter === undefined) return undefined;
    this.#waiting.delete(token);
    clearTimeout(waiter.timer);
    return waiter;
  }
}
