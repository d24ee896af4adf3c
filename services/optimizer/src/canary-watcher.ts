import { fromBinary } from '@bufbuild/protobuf';
import type { JsMsg } from '@nats-io/jetstream';
import type { CallOptions, GrpcClient } from '@switchboard/grpc';
import type { Logger } from '@switchboard/logging';
import { FeedbackRecordSchema, RequestRecordSchema } from '@switchboard/protocol';
import type { CanaryState, RegistryService } from '@switchboard/protocol';
import type { RegistrySnapshot } from '@switchboard/registry-snapshot';
import { VerdictApplier } from './apply-canary-verdict.js';
import type { CanaryAction } from './apply-canary-verdict.js';
import { canaryKey, listRegistryArms } from './canary-arms.js';
import type { CanaryArm, UnwatchableArm } from './canary-arms.js';
import type { CanaryMetrics } from './canary-metrics.js';
import { EMPTY_EVIDENCE, addBatchToEvidence } from './canary-evidence.js';
import type { CanaryEvidence } from './canary-evidence.js';
import { addFeedbackSample, addRequestSamples, createWatchIndex } from './canary-samples.js';
import type { SampleBatch, WatchIndex } from './canary-samples.js';
import { loadCanaryThresholds } from './canary-settings-store.js';
import { toCanaryState, unwatchedCanaryState, watchedCanaryState } from './canary-state.js';
import {
  finishCanary,
  loadOpenCanaries,
  readFinishedCanaries,
  saveCanaryEvidence,
  startCanary,
} from './canary-store.js';
import { describeJudgement, judgeCanary } from './canary-verdict.js';
import type { CanaryVerdict } from './canary-verdict.js';
import type { Database } from './open-database.js';

/** What the watcher reads, writes and acts through. */
export interface CanaryWatcherOptions {
  readonly database: Database;
  readonly registry: RegistrySnapshot;
  /** RegistryService, through which verdicts are applied. */
  readonly registryClient: GrpcClient<typeof RegistryService>;
  /** Deadline of each registry call. */
  readonly registryCall: CallOptions;
  readonly metrics: CanaryMetrics;
  readonly logger: Logger;
}

/** A canary being watched, in memory. */
interface WatchedCanary {
  readonly id: number;
  arm: CanaryArm;
  evidence: CanaryEvidence;
  readonly startedUnixMs: number;
}

/** Finished canaries GetPolicy shows per route. */
const SHOWN_FINISHED = 5;
const WITHDRAWN_REASON = 'the arm left the route, or its stable version changed, before a verdict';

/**
 * Watches every rollout arm of the registry's routes as a canary against its stable arm: adds each
 * request record's and feedback record's samples to running moments per arm (stored with the
 * canary, so memory and rows stay one per arm), judges each canary every evaluation (judgeCanary),
 * and applies a verdict through the registry's API. Every verdict is stored with its evidence,
 * logged and counted. Work runs one piece at a time, in arrival order.
 */
export class CanaryWatcher {
  readonly #options: CanaryWatcherOptions;
  readonly #watched = new Map<string, WatchedCanary>();
  readonly #verdicts: VerdictApplier;
  /** Arms decided on that the registry snapshot may still show: not watched again meanwhile. */
  readonly #decidedKeys = new Set<string>();
  #unwatchable: ReadonlyMap<string, UnwatchableArm[]> = new Map();
  #index: WatchIndex = new Map();
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: CanaryWatcherOptions) {
    this.#options = options;
    this.#verdicts = new VerdictApplier({
      registry: options.registryClient,
      call: options.registryCall,
      database: options.database,
      logger: options.logger,
    });
  }

  /** Loads the canaries being watched and the verdicts not yet applied. */
  async restore(): Promise<void> {
    for (const stored of await loadOpenCanaries(this.#options.database)) {
      const key = canaryKey(stored.arm);
      if (stored.status === 'watching') {
        this.#watched.set(key, {
          id: stored.id,
          arm: stored.arm,
          evidence: stored.evidence,
          startedUnixMs: stored.startedUnixMs,
        });
      } else if (stored.status !== 'withdrawn') {
        this.#decidedKeys.add(key);
        this.#verdicts.queue(stored.id, stored.arm, stored.status === 'promoted' ? 'promote' : 'rollback');
      }
    }
    this.#reindex();
  }

  /** Adds a batch of request records (TELEMETRY, `telemetry.request.>`) to the canaries' evidence. */
  readonly handleRequests = (messages: readonly JsMsg[]): Promise<void> =>
    this.#serially(() =>
      this.#addBatch(messages, (data, batch) =>
        addRequestSamples(fromBinary(RequestRecordSchema, data), this.#index, batch),
      ),
    );

  /** Adds a batch of feedback records (FEEDBACK) to the canaries' evidence. */
  readonly handleFeedback = (messages: readonly JsMsg[]): Promise<void> =>
    this.#serially(() =>
      this.#addBatch(messages, (data, batch) =>
        addFeedbackSample(fromBinary(FeedbackRecordSchema, data), this.#index, batch),
      ),
    );

  /** Judges every watched canary, applies new verdicts and retries those not yet applied. */
  evaluate(): Promise<void> {
    return this.#serially(async () => {
      await this.#sync();
      const thresholds = new Map<string, Awaited<ReturnType<typeof loadCanaryThresholds>>>();
      for (const [key, canary] of [...this.#watched]) {
        const route = canary.arm.route;
        if (!thresholds.has(route))
          thresholds.set(route, await loadCanaryThresholds(this.#options.database, route));
        const verdict = judgeCanary(canary.evidence, thresholds.get(route)!);
        if (verdict.action !== 'watch') await this.#decide(key, canary, verdict);
      }
      await this.#verdicts.applyQueued();
    });
  }

  /** Resolves once the work queued so far is done. */
  idle(): Promise<void> {
    return this.#serially(async () => undefined);
  }

  /** The route's arms — watched (judged now) and not watched — then its newest finished canaries. */
  async describe(route: string): Promise<CanaryState[]> {
    const { database } = this.#options;
    const thresholds = await loadCanaryThresholds(database, route);
    const watched = [...this.#watched.values()].filter((canary) => canary.arm.route === route);
    return [
      ...watched.map((canary) => watchedCanaryState(canary, judgeCanary(canary.evidence, thresholds))),
      ...(this.#unwatchable.get(route) ?? []).map(unwatchedCanaryState),
      ...(await readFinishedCanaries(database, route, SHOWN_FINISHED)).map(toCanaryState),
    ];
  }

  #serially<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(work);
    // The queue goes on after a failure; the caller sees it.
    this.#queue = result.catch(() => undefined);
    return result;
  }

  async #addBatch(
    messages: readonly JsMsg[],
    add: (data: Uint8Array, batch: SampleBatch) => void,
  ): Promise<void> {
    await this.#sync();
    if (this.#watched.size === 0) return;
    const batch: SampleBatch = new Map();
    let undecodable = 0;
    for (const message of messages) {
      try {
        add(message.data, batch);
      } catch {
        // A record that does not decode says nothing about any arm; the learner counts its kind.
        undecodable += 1;
      }
    }
    if (undecodable > 0) this.#options.logger.debug({ undecodable }, 'undecodable records skipped');
    const updates = [...batch].flatMap(([key, samples]) => {
      const canary = this.#watched.get(key);
      return canary === undefined ? [] : [{ canary, evidence: addBatchToEvidence(canary.evidence, samples) }];
    });
    // All or nothing: a batch delivered again after a failed write must not count twice anywhere.
    await this.#options.database.begin(async (sql) => {
      for (const { canary, evidence } of updates) await saveCanaryEvidence(sql, canary.id, evidence);
    });
    for (const { canary, evidence } of updates) canary.evidence = evidence;
  }

  /** Watches new arms and withdraws canaries whose arm the registry no longer has. */
  async #sync(): Promise<void> {
    const { registry, database, logger, metrics } = this.#options;
    const arms = listRegistryArms(registry.listRoutes(), (name) => registry.getModel(name));
    const current = arms.watchable;
    this.#unwatchable = arms.unwatchable;
    for (const key of this.#decidedKeys) if (!current.has(key)) this.#decidedKeys.delete(key);
    let changed = false;
    for (const [key, canary] of this.#watched) {
      const arm = current.get(key);
      if (arm !== undefined) {
        canary.arm = arm;
        continue;
      }
      const outcome = {
        status: 'withdrawn',
        reason: WITHDRAWN_REASON,
        evidence: canary.evidence,
        metrics: [],
      } as const;
      await finishCanary(database, canary.id, outcome);
      this.#watched.delete(key);
      changed = true;
      metrics.canaryFinished(canary.arm.route, 'withdrawn');
      logger.info(
        { ...canary.arm, canaryId: canary.id },
        'canary withdrawn: its arm left the route before a verdict',
      );
    }
    for (const [key, arm] of current) {
      if (this.#watched.has(key) || this.#decidedKeys.has(key)) continue;
      const stored = await startCanary(database, arm, EMPTY_EVIDENCE);
      this.#watched.set(key, {
        id: stored.id,
        arm,
        evidence: stored.evidence,
        startedUnixMs: stored.startedUnixMs,
      });
      changed = true;
      logger.info({ ...arm, canaryId: stored.id }, 'watching a canary');
    }
    if (changed) this.#reindex();
  }

  #reindex(): void {
    this.#index = createWatchIndex(new Map([...this.#watched].map(([key, canary]) => [key, canary.arm])));
    this.#options.metrics.canariesWatched(this.#watched.size);
  }

  /** Stores, logs and counts a verdict, then queues it to be applied. */
  async #decide(key: string, canary: WatchedCanary, verdict: CanaryVerdict): Promise<void> {
    const { database, logger, metrics } = this.#options;
    const status = verdict.action === 'promote' ? 'promoted' : 'rolled_back';
    const { reason, metrics: judgements } = verdict;
    const decidedUnixMs = await finishCanary(database, canary.id, {
      status,
      reason,
      evidence: canary.evidence,
      metrics: judgements,
    });
    this.#watched.delete(key);
    this.#decidedKeys.add(key);
    this.#reindex();
    this.#verdicts.queue(canary.id, canary.arm, verdict.action as CanaryAction);
    metrics.canaryFinished(canary.arm.route, status);
    const fields = {
      ...canary.arm,
      canaryId: canary.id,
      verdict: status,
      watchedMs: decidedUnixMs - canary.startedUnixMs,
      evidence: judgements.map((judgement) => ({ ...judgement, text: describeJudgement(judgement) })),
    };
    if (status === 'rolled_back') logger.warn(fields, `canary rolled back: ${reason}`);
    else logger.info(fields, `canary promoted: ${reason}`);
  }
}
