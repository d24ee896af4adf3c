import { applyReplicaLimits, ceilReplicas } from './apply-replica-limits.js';
import type { ModelDemand, ReplicaTarget } from './model-demand.js';
import { predictedWaitMs } from './predicted-wait.js';

/** Knobs of the reactive policy, named after KEDA's and the HPA's. */
export interface ReactiveOptions {
  /** Queued jobs one replica is meant to take (KEDA's lagThreshold), > 0. */
  lagThreshold: number;
  /** How often the queue is sampled (KEDA's pollingInterval), ms. */
  pollMs: number;
  /** How long a lower count must persist before scaling down (the HPA's scale-down stabilisation window), ms. */
  stabilisationMs: number;
}

/**
 * The reactive policy of one model, as KEDA's NATS JetStream scaler under an HPA would run it: every
 * `pollMs` the queue is sampled and desired = ceil(queued ÷ lagThreshold) (so anything queued scales
 * from zero, as KEDA's activation does). Scaling up follows the newest sample; scaling down follows
 * the highest sample of the last `stabilisationMs`, so a lower count must persist that long. Between
 * samples the last count stands. Reason "queue-wait" for a count set by the queue, "idle" for 0,
 * then the limits (minimum, keep-warm, maximum) as for every policy. Memory: the samples of one
 * window at most.
 */
export class ReactiveScaler {
  /** Samples inside the stabilisation window, highest first, each newer than the one before it. */
  readonly #window: { atMs: number; replicas: number }[] = [];
  #lastPollMs: number | undefined;
  #desired = 0;

  /** @throws RangeError when lagThreshold is not positive. */
  constructor(private readonly options: ReactiveOptions) {
    if (!(options.lagThreshold > 0))
      throw new RangeError(`lagThreshold must be positive, got ${options.lagThreshold}`);
  }

  /** The target at `nowMs` (Unix ms); samples the queue when a poll is due. */
  target(demand: ModelDemand, nowMs: number): ReplicaTarget {
    if (this.#lastPollMs === undefined || nowMs - this.#lastPollMs >= this.options.pollMs) {
      this.#lastPollMs = nowMs;
      this.#desired = this.#sample(ceilReplicas(demand.queued / this.options.lagThreshold), nowMs);
    }
    const decision = applyReplicaLimits(
      { replicas: this.#desired, reason: this.#desired > 0 ? 'queue-wait' : 'idle' },
      demand,
    );
    return { model: demand.model, ...decision, predictedWaitMs: predictedWaitMs(demand) };
  }

  /** Adds a sample and returns the highest in the window (a monotonic queue: O(1) amortised). */
  #sample(replicas: number, nowMs: number): number {
    while (this.#window.length > 0 && this.#window.at(-1)!.replicas <= replicas) this.#window.pop();
    this.#window.push({ atMs: nowMs, replicas });
    while (this.#window[0]!.atMs <= nowMs - this.options.stabilisationMs && this.#window.length > 1)
      this.#window.shift();
    return this.#window[0]!.replicas;
  }
}
