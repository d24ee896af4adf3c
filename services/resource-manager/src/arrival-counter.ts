import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { Logger } from '@switchboard/logging';
import type { SubjectNames } from '@switchboard/nats';

/**
 * Counts the jobs routers publish, per model, as they are published: a core NATS subscription on
 * `infer.>` receives a copy of every job the INFER stream stores, so arrivals are seen at once
 * rather than when they are answered (a backlog would hide them from completion counts).
 * Redeliveries come from the stream and are not counted again. Only models `isKnown` accepts are
 * counted, so a client-chosen subject cannot grow the maps.
 */
export class ArrivalCounter {
  readonly #counts = new Map<string, number>();
  readonly #lastArrivalMs = new Map<string, number>();
  #subscription: Subscription | undefined;

  constructor(
    private readonly connection: NatsConnection,
    private readonly names: SubjectNames,
    private readonly isKnown: (model: string) => boolean,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    // `<namespace>.infer.<model>.<priority>`: the model is the token before the priority.
    this.#subscription = this.connection.subscribe(this.names.inferWildcard, {
      callback: (error, message) => {
        if (error) return this.logger.warn({ err: error }, 'job subscription error');
        const tokens = message.subject.split('.');
        const model = tokens[tokens.length - 2];
        if (model === undefined || !this.isKnown(model)) return;
        this.#counts.set(model, (this.#counts.get(model) ?? 0) + 1);
        this.#lastArrivalMs.set(model, this.now());
      },
    });
  }

  /** The jobs counted per model since the previous call; resets the counts. */
  take(): Map<string, number> {
    const counts = new Map(this.#counts);
    this.#counts.clear();
    return counts;
  }

  /** When the newest job of `model` arrived; undefined when none arrived since start. */
  lastArrivalMs(model: string): number | undefined {
    return this.#lastArrivalMs.get(model);
  }

  /** Forgets models no longer registered. */
  retain(isKnown: (model: string) => boolean): void {
    for (const model of [...this.#lastArrivalMs.keys()])
      if (!isKnown(model)) this.#lastArrivalMs.delete(model);
    for (const model of [...this.#counts.keys()]) if (!isKnown(model)) this.#counts.delete(model);
  }

  stop(): void {
    this.#subscription?.unsubscribe();
    this.#subscription = undefined;
  }
}
