import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '@switchboard/logging';
import type { SubjectNames } from '@switchboard/nats';
import { AssignReplySchema, AssignRequestSchema } from '@switchboard/protocol';
import type { AssignReply } from '@switchboard/protocol';

/**
 * A worker answers once the assignment is applied: models drained (up to its drain grace) and new
 * ones loaded and warmed. Generous, so a slow load is not mistaken for a dead worker (heartbeats
 * tell that).
 */
const ASSIGN_TIMEOUT_MS = 60_000;
/** After a refusal or failure the same set is not sent again sooner, so a stuck worker is not hammered. */
const RETRY_AFTER_MS = 5_000;

interface WorkerAssignment {
  /** The set last sent (or being sent). */
  models: string[];
  inFlight: boolean;
  /** When a refused or failed send may be retried; 0 once accepted. */
  retryAtMs: number;
}

/** What happened to one assignment, for logs and metrics. */
export type AssignOutcome = 'accepted' | 'refused' | 'failed';

/**
 * Sends each worker its model set on `worker.<id>.assign` and remembers what it sent, one request
 * per worker at a time: a newer set waits until the previous one is answered (the next round sends
 * it). The replies' failures and refusals are logged; the heartbeats show what actually loaded.
 */
export class AssignmentSender {
  readonly #assignments = new Map<string, WorkerAssignment>();

  constructor(
    private readonly connection: NatsConnection,
    private readonly names: SubjectNames,
    private readonly managerId: string,
    private readonly logger: Logger,
    private readonly onOutcome: (outcome: AssignOutcome) => void,
  ) {}

  /** The set last sent to `workerId`, undefined when none was. */
  assigned(workerId: string): readonly string[] | undefined {
    return this.#assignments.get(workerId)?.models;
  }

  /**
   * Sends `models` to the worker unless it already has that set, a send to it is still in flight,
   * or a refused send of the same set is waiting to be retried.
   */
  send(workerId: string, models: readonly string[], epoch: bigint, reason: string, nowMs: number): void {
    const sorted = [...models].sort();
    const current = this.#assignments.get(workerId);
    if (current?.inFlight) return;
    const same = current !== undefined && sameSet(current.models, sorted);
    if (same && (current.retryAtMs === 0 || nowMs < current.retryAtMs)) return;
    const assignment: WorkerAssignment = { models: sorted, inFlight: true, retryAtMs: 0 };
    this.#assignments.set(workerId, assignment);
    const request = create(AssignRequestSchema, { models: sorted, epoch, managerId: this.managerId, reason });
    this.logger.debug({ workerId, models: sorted, epoch: epoch.toString(), reason }, 'sending an assignment');
    this.connection
      .request(this.names.workerAssignSubject(workerId), toBinary(AssignRequestSchema, request), {
        timeout: ASSIGN_TIMEOUT_MS,
      })
      .then((message) => this.#settle(workerId, assignment, fromBinary(AssignReplySchema, message.data)))
      .catch((error: unknown) => {
        assignment.retryAtMs = Date.now() + RETRY_AFTER_MS;
        this.onOutcome('failed');
        this.logger.warn({ err: error, workerId, models: sorted }, 'assignment not answered');
      })
      .finally(() => {
        assignment.inFlight = false;
      });
  }

  /** Forgets workers that are gone. */
  retain(workerIds: ReadonlySet<string>): void {
    for (const workerId of [...this.#assignments.keys()])
      if (!workerIds.has(workerId)) this.#assignments.delete(workerId);
  }

  #settle(workerId: string, assignment: WorkerAssignment, reply: AssignReply): void {
    if (!reply.accepted) {
      assignment.retryAtMs = Date.now() + RETRY_AFTER_MS;
      this.onOutcome('refused');
      this.logger.warn({ workerId, models: assignment.models, refusal: reply.refusal }, 'assignment refused');
      return;
    }
    this.onOutcome('accepted');
    if (reply.failures.length > 0) {
      assignment.retryAtMs = Date.now() + RETRY_AFTER_MS;
      this.logger.warn(
        { workerId, failures: reply.failures.map(({ model, reason }) => ({ model, reason })) },
        'assigned models failed to load',
      );
    }
    this.logger.info({ workerId, serving: reply.serving }, 'assignment applied');
  }
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, index) => item === b[index]);
}
