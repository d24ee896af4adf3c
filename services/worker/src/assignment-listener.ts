import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import type { Logger } from '@switchboard/logging';
import { AssignReplySchema, AssignRequestSchema } from '@switchboard/protocol';
import type { AssignRequest } from '@switchboard/protocol';
import { describeAssignmentRefusal } from './assignment-refusal.js';
import type { ModelFailure } from './model-host.js';

/** What the listener applies assignments to. */
export interface AssignmentTarget {
  /** Memory a model takes, bytes; see ModelHost.memoryNeededBytes. */
  memoryNeededBytes(model: string): number;
  /** Makes `models` the served set; resolves once drained, loaded and pulling. */
  serve(models: readonly string[]): Promise<void>;
  /** Names of the models loaded and pulling. */
  serving(): string[];
  /** Wanted models that are not served, and why. */
  failures(): ModelFailure[];
}

export interface AssignmentListenerOptions {
  connection: NatsConnection;
  /** `worker.<id>.assign` of the namespace. */
  subject: string;
  memoryBytes: number;
  target: AssignmentTarget;
  logger: Logger;
  /** Called once an assignment's epoch is taken, e.g. to heartbeat it. */
  onEpoch: () => void;
}

/**
 * Answers `worker.<id>.assign`: the resource manager's complete set of models for this worker.
 * Requests are handled one at a time in arrival order. A request is refused when its epoch is below
 * the newest applied or its models do not fit the memory; otherwise its epoch becomes the newest,
 * the set replaces what the worker serves, and the reply (sent once it is applied) lists what
 * serves and what failed. A request that does not decode is answered with a refusal saying so.
 */
export class AssignmentListener {
  #epoch = 0n;
  #handling: Promise<void> = Promise.resolve();
  #subscription: Subscription | undefined;

  constructor(private readonly options: AssignmentListenerOptions) {}

  /** Epoch of the newest assignment applied; 0 before any. */
  get epoch(): bigint {
    return this.#epoch;
  }

  /** Starts answering assignments. */
  start(): void {
    this.#subscription = this.options.connection.subscribe(this.options.subject, {
      callback: (error, message) => {
        if (error !== null) {
          this.options.logger.error({ err: error }, 'assignment subscription failed');
          return;
        }
        this.#handling = this.#handling
          .then(() => this.#handle(message))
          .catch((failure: unknown) =>
            this.options.logger.error({ err: failure }, 'handling an assignment failed'),
          );
      },
    });
  }

  /** Stops answering and waits for the assignment being applied, if any. Idempotent. */
  async stop(): Promise<void> {
    this.#subscription?.unsubscribe();
    this.#subscription = undefined;
    await this.#handling;
  }

  async #handle(message: Msg): Promise<void> {
    const { logger, target, memoryBytes } = this.options;
    let request: AssignRequest;
    try {
      request = fromBinary(AssignRequestSchema, message.data);
    } catch (error) {
      logger.warn({ err: error }, 'refusing an undecodable assignment');
      const detail = error instanceof Error ? error.message : String(error);
      this.#reply(message, { accepted: false, refusal: `the request is no AssignRequest: ${detail}` });
      return;
    }
    const { epoch, managerId, reason } = request;
    const models = [...new Set(request.models)];
    const refusal = describeAssignmentRefusal(request, {
      newestEpoch: this.#epoch,
      memoryBytes,
      memoryNeededBytes: (model) => target.memoryNeededBytes(model),
    });
    if (refusal !== undefined) {
      logger.warn({ epoch, managerId, models, refusal }, 'assignment refused');
      this.#reply(message, { accepted: false, refusal });
      return;
    }
    this.#epoch = epoch;
    this.options.onEpoch();
    logger.info({ epoch, managerId, reason, models }, 'applying assignment');
    await target.serve(models);
    const failures = target.failures().filter((failure) => models.includes(failure.model));
    this.#reply(message, { accepted: true, failures });
    logger.info({ epoch, serving: target.serving(), failures }, 'assignment applied');
  }

  #reply(message: Msg, fields: { accepted: boolean; refusal?: string; failures?: ModelFailure[] }): void {
    const reply = create(AssignReplySchema, {
      ...fields,
      serving: this.options.target.serving(),
      epoch: this.#epoch,
    });
    // Without a reply subject (published, not requested) there is no one to answer.
    message.respond(toBinary(AssignReplySchema, reply));
  }
}
