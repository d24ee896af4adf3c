import { fromBinary } from '@bufbuild/protobuf';
import { DecisionRecordSchema, FeedbackRecordSchema } from '@switchboard/protocol';
import type { DecisionRecord } from '@switchboard/protocol';
import { DEFAULT_FEATURE_SETTINGS, decisionKey } from '@switchboard/routing-policy';
import { OBSERVATION_WEIGHTS } from './observation.js';
import type { Observation } from './observation.js';
import type { RouteCatalog } from './route-catalog.js';

/** One router decision as the optimizer keeps it. */
export interface DecisionRow {
  readonly route: string;
  readonly requestKey: string;
  readonly model: string;
  readonly policyVersion: number;
  readonly costUsd: number;
  readonly sloMissed: boolean;
  readonly answeredAtMs: number;
  /** gRPC status of the request: 0 when answered. */
  readonly statusCode: number;
  /** End-to-end latency at the router, µs. */
  readonly latencyUs: number;
  /** The request's latency budget, µs; 0 when it had none. */
  readonly budgetUs: number;
}

/** Why a record was not used; the values of the records metric's `outcome` label. */
export type IgnoredReason = 'unknown_route' | 'unknown_model' | 'invalid';

/**
 * What a decision record contributes: the decision that served the request, with its confidence
 * signal; or, for a cascade step passed over, only that signal (the step served nobody).
 */
export type DecisionReading =
  | { readonly decision: DecisionRow | undefined; readonly observations: Observation[] }
  | { readonly ignored: IgnoredReason };

/** What a feedback record contributes: one observation of the model that served. */
export type FeedbackReading = { readonly observation: Observation } | { readonly ignored: IgnoredReason };

const MICROS_PER_USD = 1_000_000;
/** The most features a prompt can have under the featuriser's settings (a word and a bigram per two characters). */
const MAX_FEATURES = DEFAULT_FEATURE_SETTINGS.maxPromptChars + 2;
const FEATURE_BUCKETS = 2 ** DEFAULT_FEATURE_SETTINGS.hashBits;

/**
 * Reads a FeedbackRecord from the FEEDBACK stream.
 * @param atMs when the stream stored it: the fallback for a record without its own time.
 * @throws Error (from protobuf) when the bytes are not a FeedbackRecord.
 */
export function readFeedbackRecord(bytes: Uint8Array, atMs: number, catalog: RouteCatalog): FeedbackReading {
  const record = fromBinary(FeedbackRecordSchema, bytes);
  const decision = record.decision;
  if (decision === undefined || !isQuality(record.score)) return { ignored: 'invalid' };
  const known = checkNames(decision, catalog);
  if (known !== undefined) return { ignored: known };
  const base = toDecisionBase(decision, requestKeyOf(decision), atMs);
  if (base === undefined) return { ignored: 'invalid' };
  const receivedMs = Number(record.receivedUnixMs);
  return {
    observation: {
      ...base,
      source: 'feedback',
      quality: record.score,
      weight: OBSERVATION_WEIGHTS.feedback,
      observedAtMs: receivedMs > 0 ? receivedMs : atMs,
    },
  };
}

/**
 * Reads a DecisionRecord from the decisions bucket's stream, stored under `key`. A cascade step
 * passed over (`escalated`) says its model answered badly (quality 0); the decision that served
 * gives its model's cost and SLO miss, and its confidence, when the runtime reported one, as a weak
 * quality signal.
 * @throws Error (from protobuf) when the bytes are not a DecisionRecord.
 */
export function readDecisionRecord(
  key: string,
  bytes: Uint8Array,
  atMs: number,
  catalog: RouteCatalog,
): DecisionReading {
  const record = fromBinary(DecisionRecordSchema, bytes);
  const known = checkNames(record, catalog);
  if (known !== undefined) return { ignored: known };
  const base = toDecisionBase(record, key, atMs);
  if (base === undefined) return { ignored: 'invalid' };
  if (record.escalated)
    return {
      decision: undefined,
      observations: [{ ...base, source: 'escalated', quality: 0, weight: OBSERVATION_WEIGHTS.escalated }],
    };
  const decision: DecisionRow = {
    route: base.route,
    requestKey: key,
    model: base.model,
    policyVersion: base.policyVersion,
    costUsd: base.costUsd,
    sloMissed: base.sloMissed,
    answeredAtMs: base.observedAtMs,
    statusCode: record.statusCode,
    latencyUs: Number(record.latencyUs),
    budgetUs: Number(record.budgetUs),
  };
  const observations: Observation[] = [];
  if (record.confidence !== undefined && Number.isFinite(record.confidence)) {
    const quality = Math.min(1, Math.max(0, record.confidence));
    observations.push({ ...base, source: 'confidence', quality, weight: OBSERVATION_WEIGHTS.confidence });
  }
  return { decision, observations };
}

/** The key feedback is deduplicated by: the router's decision key of the request. */
function requestKeyOf(record: DecisionRecord): string {
  return decisionKey(record.tenant, record.requestId);
}

/** Whether the route is registered and the model one of its candidates; else why not. */
function checkNames(record: DecisionRecord, catalog: RouteCatalog): IgnoredReason | undefined {
  const candidates = catalog.candidatesOf(record.route);
  if (candidates === undefined) return 'unknown_route';
  return candidates.includes(record.model) ? undefined : 'unknown_model';
}

/** The fields every observation of a decision shares; undefined when a number is out of range. */
function toDecisionBase(record: DecisionRecord, requestKey: string, atMs: number) {
  const propensity = record.propensity;
  if (!Number.isFinite(propensity) || propensity <= 0 || propensity > 1) return undefined;
  const indices = record.featureIndices;
  if (indices.length > MAX_FEATURES || indices.some((index) => index >= FEATURE_BUCKETS)) return undefined;
  const costMicros = Number.isFinite(record.costMicros) && record.costMicros > 0 ? record.costMicros : 0;
  const answeredMs = Number(record.answeredUnixMs);
  return {
    route: record.route,
    requestKey,
    model: record.model,
    indices: Uint32Array.from(indices),
    tier: record.tier,
    policyVersion: Number(record.policyVersion),
    propensity,
    costUsd: costMicros / MICROS_PER_USD,
    sloMissed: record.sloMissed,
    observedAtMs: answeredMs > 0 ? answeredMs : atMs,
  };
}

function isQuality(value: number): boolean {
  return Number.isFinite(value) && value >= 0 && value <= 1;
}
