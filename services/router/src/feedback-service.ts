import { create, toBinary } from '@bufbuild/protobuf';
import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { setTimeout as sleep } from 'node:timers/promises';
import { InvalidArgumentError, NotFoundError, UnavailableError, previewText } from '@switchboard/errors';
import type { ServiceHandlers } from '@switchboard/grpc';
import type { Logger } from '@switchboard/logging';
import type { SubjectNames } from '@switchboard/nats';
import { FeedbackRecordSchema } from '@switchboard/protocol';
import type { DecisionRecord, FeedbackRequest, FeedbackService } from '@switchboard/protocol';
import type { RegistrySnapshot } from '@switchboard/registry-snapshot';
import { authenticate } from './authenticate.js';
import type { AuthenticationOptions } from './authenticate.js';
import { decisionKey } from '@switchboard/routing-policy';
import type { DecisionRecorder } from './decision-recorder.js';

export interface FeedbackServiceOptions {
  decisions: DecisionRecorder;
  connection: NatsConnection;
  names: SubjectNames;
  snapshot: RegistrySnapshot;
  auth: AuthenticationOptions;
  /** Longest request id, in UTF-8 bytes: ROUTER_MAX_ID_BYTES, as for ModelInfer. */
  maxIdBytes: number;
  /** How long a missing decision is looked for again before NOT_FOUND. @default 1000 */
  joinWaitMs?: number;
  logger: Logger;
}

/** Labels are free text for people, stored with the feedback. */
const MAX_LABEL_BYTES = 128;
const DEFAULT_JOIN_WAIT_MS = 1_000;
const JOIN_RETRY_MS = 100;
const encoder = new TextEncoder();

/** @throws InvalidArgumentError naming the first field that is out of range. */
function validateFeedback(request: FeedbackRequest, maxIdBytes: number): void {
  const { score, requestId, label } = request;
  if (!Number.isFinite(score) || score < 0 || score > 1) {
    throw new InvalidArgumentError(`score must be a number in [0, 1] (1 is a perfect answer), got ${score}`);
  }
  const idBytes = encoder.encode(requestId).byteLength;
  if (idBytes === 0 || idBytes > maxIdBytes) {
    throw new InvalidArgumentError(
      `request_id must be 1 to ${maxIdBytes} bytes: the id the request was sent with, or its switchboard.request_id; got ${idBytes} bytes`,
    );
  }
  const labelBytes = encoder.encode(label).byteLength;
  if (labelBytes > MAX_LABEL_BYTES) {
    throw new InvalidArgumentError(`label must be at most ${MAX_LABEL_BYTES} bytes, got ${labelBytes}`);
  }
}

/**
 * The FeedbackService handler: checks the feedback, joins it to the decision this tenant's request
 * id was served by (KV `decisions`) and publishes the joined FeedbackRecord on the FEEDBACK stream
 * for the optimizer. A decision not found at once is looked for again for up to a second — the
 * router writes it just after answering, so feedback sent the moment the answer arrives may be
 * early. JetStream drops a second publish of the same request's feedback (Nats-Msg-Id, 2-minute
 * window), which the answer reports as `duplicate`.
 */
export function createFeedbackHandlers(
  options: FeedbackServiceOptions,
): ServiceHandlers<typeof FeedbackService> {
  const client = jetstream(options.connection);
  const joinWaitMs = options.joinWaitMs ?? DEFAULT_JOIN_WAIT_MS;
  return {
    async feedback(request, call) {
      validateFeedback(request, options.maxIdBytes);
      const tenant = authenticate(call.metadata, options.snapshot, options.auth);
      const key = decisionKey(tenant.name, request.requestId);
      const decision = await findDecision(options.decisions, key, joinWaitMs);
      if (decision === undefined) {
        throw new NotFoundError(
          `no decision for request id ${previewText(request.requestId)} in the last 24 h: feedback joins answers of route requests, by the id they were sent with`,
        );
      }
      const record = create(FeedbackRecordSchema, {
        decision,
        score: request.score,
        label: request.label,
        receivedUnixMs: BigInt(Date.now()),
      });
      try {
        const ack = await client.publish(
          options.names.feedbackSubject(decision.route),
          toBinary(FeedbackRecordSchema, record),
          {
            msgID: `feedback-${key}`,
          },
        );
        return { model: decision.model, duplicate: ack.duplicate };
      } catch (error) {
        options.logger.warn({ err: error, route: decision.route }, 'feedback not stored');
        throw new UnavailableError('the feedback could not be stored; send it again', { cause: error });
      }
    },
  };
}

/** The decision under `key`, looking again until `waitMs` has passed; undefined when none appears. */
async function findDecision(
  decisions: DecisionRecorder,
  key: string,
  waitMs: number,
): Promise<DecisionRecord | undefined> {
  const giveUpAt = performance.now() + waitMs;
  await decisions.settled(key);
  for (;;) {
    const decision = await readDecision(decisions, key);
    const remainingMs = giveUpAt - performance.now();
    if (decision !== undefined || remainingMs <= 0) return decision;
    await sleep(Math.min(JOIN_RETRY_MS, remainingMs));
  }
}

async function readDecision(decisions: DecisionRecorder, key: string): Promise<DecisionRecord | undefined> {
  try {
    return await decisions.find(key);
  } catch (error) {
    throw new UnavailableError('decisions cannot be read right now; send the feedback again', {
      cause: error,
    });
  }
}
