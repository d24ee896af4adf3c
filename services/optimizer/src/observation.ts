/** Where a signal about a model's answer came from. */
export type ObservationSource = 'feedback' | 'confidence' | 'escalated';

export const OBSERVATION_SOURCES: readonly ObservationSource[] = ['feedback', 'confidence', 'escalated'];

/**
 * How much one observation of each source counts in training, against a client's feedback at 1:
 * the answer's own confidence is a weak hint of its quality, a cascade escalating past a model
 * (its confidence was below the route's threshold) a stronger one.
 */
export const OBSERVATION_WEIGHTS: Readonly<Record<ObservationSource, number>> = Object.freeze({
  feedback: 1,
  confidence: 0.25,
  escalated: 0.5,
});

/** One signal about how well a model answered one request on a route. */
export interface Observation {
  readonly route: string;
  readonly source: ObservationSource;
  /** decisionKey(tenant, request id): a hash, never the client's id itself. */
  readonly requestKey: string;
  readonly model: string;
  /** In [0, 1]. */
  readonly quality: number;
  readonly weight: number;
  /** The prompt's features as the router logged them. */
  readonly indices: Uint32Array;
  readonly tier: string;
  /** The policy that chose the model; 0 for the route's rules. */
  readonly policyVersion: number;
  /** Probability the logging policy chose the model, in (0, 1]. */
  readonly propensity: number;
  readonly costUsd: number;
  readonly sloMissed: boolean;
  readonly observedAtMs: number;
}

/** An observation as stored, with its row id (ids grow with insertion). */
export interface StoredObservation extends Observation {
  readonly id: number;
}

/** Feature indices as stored: uint32 little-endian (every platform Node runs on is little-endian). */
export function indicesToBytes(indices: Uint32Array): Buffer {
  return Buffer.from(indices.buffer, indices.byteOffset, indices.byteLength);
}

/** The feature indices stored by {@link indicesToBytes}; copied, since a row's bytes may be unaligned. */
export function indicesFromBytes(bytes: Uint8Array): Uint32Array {
  const length = Math.floor(bytes.byteLength / 4);
  const indices = new Uint32Array(length);
  new Uint8Array(indices.buffer).set(bytes.subarray(0, length * 4));
  return indices;
}
