import type { QualityPredictor } from '@switchboard/routing-policy';

/**
 * A route's training data in the flat, transferable form the training thread takes: each prompt's
 * features once (every model's outcome on a prompt shares them, as trainRoutePredictors expects),
 * then one entry per (prompt, model) example.
 */
export interface TrainingJob {
  readonly models: readonly string[];
  readonly hashBits: number;
  /** Seeds the shuffles, so equal data trains equal predictors. */
  readonly seed: string;
  /** Every prompt's features, concatenated. */
  readonly features: Uint32Array;
  /** Prompt p's features are features[offsets[p] .. offsets[p + 1]). */
  readonly offsets: Uint32Array;
  readonly examplePrompts: Uint32Array;
  /** Positions in `models`. */
  readonly exampleModels: Uint16Array;
  readonly exampleQualities: Float64Array;
  readonly exampleWeights: Float64Array;
}

/** What the training thread sends back: one predictor per model of the job. */
export type TrainingResult = QualityPredictor[];

/** The buffers a job hands over to the training thread (not copied, no longer usable here). */
export function transferListOf(job: TrainingJob): ArrayBuffer[] {
  return [
    job.features,
    job.offsets,
    job.examplePrompts,
    job.exampleModels,
    job.exampleQualities,
    job.exampleWeights,
  ].map((array) => array.buffer as ArrayBuffer);
}
