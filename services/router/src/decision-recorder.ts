import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import type { MessageInitShape } from '@bufbuild/protobuf';
import type { KV } from '@nats-io/kv';
import type { Logger } from '@switchboard/logging';
import { DecisionRecordSchema } from '@switchboard/protocol';
import type { DecisionRecord, ModelInferRequest } from '@switchboard/protocol';
import { DEFAULT_FEATURE_SETTINGS, decisionKey, featurisePrompt } from '@switchboard/routing-policy';
import { readPrompt } from './selection/read-prompt.js';

/** A decision to record, as the request path knows it once the request is answered. */
export interface DecisionEntry {
  /** Who asked: records are keyed by tenant and id, so one tenant's ids never meet another's. */
  readonly tenant: string;
  /** The id feedback quotes: the client's request id, else the router's. */
  readonly requestId: string;
  /**
   * The record itself, minus the feature indices. `model` is the model that served (the last one
   * tried when the request failed).
   */
  readonly record: Omit<
    MessageInitShape<typeof DecisionRecordSchema>,
    '$typeName' | 'featureIndices' | 'requestId' | 'tenant'
  >;
  /** The prompt's features under the learned policy's settings; undefined under the rules. */
  readonly featureIndices: Uint32Array | undefined;
  /** The request, to featurise with the default settings when no policy featurised it. */
  readonly request: ModelInferRequest;
  /**
   * Cascade steps passed over because their answer was not confident enough: each gets a record of
   * its own (`escalated`), under a key of its own, as a signal about that model.
   */
  readonly escalatedSteps: ReadonlyArray<{ model: string; costMicros: number; confidence: number }>;
}

/** Told when a decision record could not be written. */
export type DecisionWriteFailureObserver = (reason: 'nats' | 'overloaded') => void;

export interface DecisionRecorderOptions {
  /** The `decisions` bucket (openDecisionsBucket). */
  bucket: KV;
  logger: Logger;
  onFailure?: DecisionWriteFailureObserver;
  /** Writes waiting at most; more are dropped (and counted) rather than held in memory. @default 10000 */
  maxPending?: number;
}

const DEFAULT_MAX_PENDING = 10_000;

/**
 * Writes one DecisionRecord per answered route request to KV `decisions`, so feedback minutes or
 * hours later can be joined to the model that served and to what the policy knew. The request path
 * calls {@link record} once the answer is on its way; the prompt is featurised (when no policy did
 * it), the record encoded and put without waiting for NATS. A write that fails is logged and counted,
 * never retried: a lost record loses one request's feedback, and retrying could pile up.
 */
export class DecisionRecorder {
  readonly #pending = new Map<string, Promise<void>>();
  readonly #maxPending: number;

  constructor(private readonly options: DecisionRecorderOptions) {
    this.#maxPending = options.maxPending ?? DEFAULT_MAX_PENDING;
  }

  /** Queues the records of one answered request; returns at once. */
  record(entry: DecisionEntry): void {
    const key = decisionKey(entry.tenant, entry.requestId);
    if (this.#pending.size >= this.#maxPending) {
      this.options.onFailure?.('overloaded');
      this.options.logger.warn(
        { pending: this.#pending.size },
        'decision record dropped: too many writes waiting',
      );
      return;
    }
    const written = this.#write(key, entry).finally(() => {
      if (this.#pending.get(key) === written) this.#pending.delete(key);
    });
    this.#pending.set(key, written);
  }

  /** Resolves once this router's write of `key` (if one is under way) has settled. */
  async settled(key: string): Promise<void> {
    await this.#pending.get(key);
  }

  /** The decision stored under `key`, or undefined. @throws Error (from NATS) when it cannot be read. */
  async find(key: string): Promise<DecisionRecord | undefined> {
    const entry = await this.options.bucket.get(key);
    if (entry === null || entry.operation !== 'PUT') return undefined;
    return fromBinary(DecisionRecordSchema, entry.value);
  }

  /** Waits for the writes under way. Idempotent. */
  async stop(): Promise<void> {
    await Promise.all(this.#pending.values());
  }

  /** Never throws: it runs detached from the request. */
  async #write(key: string, entry: DecisionEntry): Promise<void> {
    const { tenant, requestId } = entry;
    try {
      const base = { ...entry.record, tenant, requestId, featureIndices: featuresOf(entry) };
      await this.options.bucket.put(key, toBinary(DecisionRecordSchema, create(DecisionRecordSchema, base)));
      for (const [index, step] of entry.escalatedSteps.entries()) {
        const escalated = create(DecisionRecordSchema, {
          ...base,
          ...step,
          escalated: true,
          statusCode: 0,
          sloMissed: false,
        });
        await this.options.bucket.put(
          decisionKey(tenant, requestId, index),
          toBinary(DecisionRecordSchema, escalated),
        );
      }
    } catch (error) {
      this.options.onFailure?.('nats');
      this.options.logger.warn({ err: error, route: entry.record.route }, 'decision record not written');
    }
  }
}

/** Sorted, distinct feature indices: the policy's, else the prompt's under the default settings. */
function featuresOf(entry: DecisionEntry): number[] {
  let indices = entry.featureIndices;
  if (indices === undefined) {
    const prompt = readPrompt(entry.request, DEFAULT_FEATURE_SETTINGS.maxPromptChars);
    indices = featurisePrompt(prompt.text, DEFAULT_FEATURE_SETTINGS, prompt.length);
  }
  // Distinct already: featurisePrompt lists each feature once.
  return [...Uint32Array.from(indices).sort()];
}
