import type { ModelSpec } from '@switchboard/protocol';

/** Running, exponentially weighted moments of (complexity, service time) for one model. */
interface Moments {
  samples: number;
  meanComplexity: number;
  meanServiceMs: number;
  varianceComplexity: number;
  covariance: number;
}

/** Answers measured before a model's own figures replace its registry prior. */
const DEFAULT_MIN_SAMPLES = 20;
/** Weight of each new answer: recent answers dominate after roughly 1 / weight of them. */
const DEFAULT_WEIGHT = 0.05;

export interface ServiceTimeEstimatorOptions {
  /** @default 20 */
  minSamples?: number;
  /** @default 0.05 */
  weight?: number;
}

/**
 * Predicts how long a model takes to execute a request of a given complexity once its batch starts
 * (the wait before that is queueing, predicted by the load view). Until a model has `minSamples` measured answers the registry's
 * prior (`latency_prior_ms` + `latency_prior_per_unit_us` × complexity) is used; after that, a line
 * fitted by exponentially weighted least squares, so the estimate follows a model whose speed changes.
 */
export class ServiceTimeEstimator {
  readonly #moments = new Map<string, Moments>();
  readonly #minSamples: number;
  readonly #weight: number;

  constructor(options: ServiceTimeEstimatorOptions = {}) {
    this.#minSamples = options.minSamples ?? DEFAULT_MIN_SAMPLES;
    this.#weight = options.weight ?? DEFAULT_WEIGHT;
  }

  /** Records one measured answer of `model`. */
  observe(model: string, complexity: number, serviceMs: number): void {
    const moments = this.#moments.get(model);
    if (moments === undefined) {
      this.#moments.set(model, {
        samples: 1,
        meanComplexity: complexity,
        meanServiceMs: serviceMs,
        varianceComplexity: 0,
        covariance: 0,
      });
      return;
    }
    // Averaging equally over the first answers avoids the start-up bias of a plain moving average.
    const weight = Math.max(this.#weight, 1 / (moments.samples + 1));
    const complexityDelta = complexity - moments.meanComplexity;
    const serviceDelta = serviceMs - moments.meanServiceMs;
    moments.meanComplexity += weight * complexityDelta;
    moments.meanServiceMs += weight * serviceDelta;
    moments.varianceComplexity = (1 - weight) * (moments.varianceComplexity + weight * complexityDelta ** 2);
    moments.covariance = (1 - weight) * (moments.covariance + weight * complexityDelta * serviceDelta);
    moments.samples += 1;
  }

  /** Predicted service time of a request of `complexity` on `model`, in milliseconds. */
  predictMs(model: ModelSpec, complexity: number): number {
    const moments = this.#moments.get(model.name);
    if (moments === undefined || moments.samples < this.#minSamples) {
      return model.latencyPriorMs + (model.latencyPriorPerUnitUs * complexity) / 1000;
    }
    // Too little spread in sizes to fit a slope: the mean is the best guess.
    const slope =
      moments.varianceComplexity > 1e-9 ? Math.max(0, moments.covariance / moments.varianceComplexity) : 0;
    return Math.max(0, moments.meanServiceMs + slope * (complexity - moments.meanComplexity));
  }
}
