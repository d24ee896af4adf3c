import { create } from '@bufbuild/protobuf';
import { FeatureSpecSchema, LearnedPolicySchema, ModelPredictorSchema } from '@switchboard/protocol';
import type { LearnedPolicy, PolicyEstimate } from '@switchboard/protocol';
import { FEATURISER_VERSION } from './featurise-prompt.js';
import type { FeatureSettings } from './featurise-prompt.js';
import type { QualityPredictor } from './quality-predictor.js';

/** What a route's learned policy holds once decoded: ready to score prompts. */
export interface RoutePolicy {
  readonly route: string;
  readonly version: bigint;
  readonly createdUnixMs: number;
  readonly features: FeatureSettings;
  /** One predictor per candidate model, by model name. */
  readonly predictors: ReadonlyMap<string, QualityPredictor>;
  /** Per model, the share of its recent requests on the route that missed their latency budget. */
  readonly sloMissRates: ReadonlyMap<string, number>;
  /** Per model, the mean quality it reached on its training data. */
  readonly meanQualities: ReadonlyMap<string, number>;
  readonly settings: RewardSettings;
  readonly estimate: PolicyEstimate | undefined;
}

/** How the route trades quality against cost and missed budgets, and how much it explores. */
export interface RewardSettings {
  /** λ: reward lost per US dollar of predicted cost. */
  readonly costWeightPerUsd: number;
  /** μ: reward lost per missed latency budget. */
  readonly sloMissWeight: number;
  /** Share of decisions that explore, in [0, 1]. */
  readonly exploration: number;
  /** Per tenant tier, a share replacing `exploration`. */
  readonly explorationByTier: ReadonlyMap<string, number>;
}

/** Hash spaces a policy may use: below, features collide too much; above, weights outgrow memory. */
const MIN_HASH_BITS = 8;
const MAX_HASH_BITS = 20;

/** Thrown when a published policy cannot be applied: another featuriser or malformed weights. */
export class IncompatiblePolicyError extends Error {
  override readonly name = 'IncompatiblePolicyError';
}

/** The wire form of a policy, for the object store. */
export function policyToMessage(policy: RoutePolicy): LearnedPolicy {
  return create(LearnedPolicySchema, {
    route: policy.route,
    version: policy.version,
    createdUnixMs: BigInt(policy.createdUnixMs),
    features: create(FeatureSpecSchema, {
      hashBits: policy.features.hashBits,
      maxPromptChars: policy.features.maxPromptChars,
      featuriserVersion: FEATURISER_VERSION,
    }),
    models: [...policy.predictors.values()].map((predictor) =>
      create(ModelPredictorSchema, {
        model: predictor.model,
        weightMeans: floatsToBytes(predictor.means),
        weightVariances: floatsToBytes(predictor.variances),
        biasMean: predictor.biasMean,
        biasVariance: predictor.biasVariance,
        observations: BigInt(predictor.observations),
        sloMissRate: policy.sloMissRates.get(predictor.model) ?? 0,
        meanQuality: policy.meanQualities.get(predictor.model) ?? 0,
      }),
    ),
    costWeightPerUsd: policy.settings.costWeightPerUsd,
    sloMissWeight: policy.settings.sloMissWeight,
    exploration: policy.settings.exploration,
    explorationByTier: Object.fromEntries(policy.settings.explorationByTier),
    ...(policy.estimate === undefined ? {} : { estimate: policy.estimate }),
  });
}

/**
 * The policy a message describes.
 * @throws IncompatiblePolicyError when it was made by another featuriser version or its weight
 *   arrays do not have 2^hash_bits entries.
 */
export function policyFromMessage(message: LearnedPolicy): RoutePolicy {
  const spec = message.features;
  if (spec === undefined || spec.featuriserVersion !== FEATURISER_VERSION) {
    throw new IncompatiblePolicyError(
      `policy ${message.version} of route "${message.route}" uses featuriser ${spec?.featuriserVersion ?? 'none'}; ` +
        `this build knows version ${FEATURISER_VERSION}`,
    );
  }
  if (spec.hashBits < MIN_HASH_BITS || spec.hashBits > MAX_HASH_BITS) {
    throw new IncompatiblePolicyError(
      `policy ${message.version} of route "${message.route}" hashes into 2^${spec.hashBits} buckets; ` +
        `between 2^${MIN_HASH_BITS} and 2^${MAX_HASH_BITS} are supported`,
    );
  }
  const size = 1 << spec.hashBits;
  const predictors = new Map<string, QualityPredictor>();
  const sloMissRates = new Map<string, number>();
  const meanQualities = new Map<string, number>();
  for (const model of message.models) {
    const means = bytesToFloats(model.weightMeans);
    const variances = bytesToFloats(model.weightVariances);
    if (means.length !== size || variances.length !== size) {
      throw new IncompatiblePolicyError(
        `policy ${message.version} of route "${message.route}": model "${model.model}" has ` +
          `${means.length} weights, expected ${size}`,
      );
    }
    predictors.set(model.model, {
      model: model.model,
      means,
      variances,
      biasMean: model.biasMean,
      biasVariance: model.biasVariance,
      observations: Number(model.observations),
    });
    sloMissRates.set(model.model, model.sloMissRate);
    meanQualities.set(model.model, model.meanQuality);
  }
  return {
    route: message.route,
    version: message.version,
    createdUnixMs: Number(message.createdUnixMs),
    features: { hashBits: spec.hashBits, maxPromptChars: spec.maxPromptChars },
    predictors,
    sloMissRates,
    meanQualities,
    settings: {
      costWeightPerUsd: message.costWeightPerUsd,
      sloMissWeight: message.sloMissWeight,
      exploration: message.exploration,
      explorationByTier: new Map(Object.entries(message.explorationByTier)),
    },
    estimate: message.estimate,
  };
}

function floatsToBytes(values: Float32Array): Uint8Array {
  // Little-endian on every platform Node runs on (x64, arm64); the copy detaches from the predictor.
  return new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
}

function bytesToFloats(bytes: Uint8Array): Float32Array {
  if (bytes.byteLength % 4 !== 0) return new Float32Array(0);
  // Copied into an aligned buffer of its own: protobuf bytes may start at any offset, and may be a
  // Node Buffer (read from NATS), whose slice() is a view of a larger pool, not a copy.
  return new Float32Array(new Uint8Array(bytes).buffer);
}
