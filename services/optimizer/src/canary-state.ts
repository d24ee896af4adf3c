import { create } from '@bufbuild/protobuf';
import { CanaryStateSchema } from '@switchboard/protocol';
import type { CanaryState } from '@switchboard/protocol';
import type { CanaryArm, UnwatchableArm } from './canary-arms.js';
import type { CanaryStatus } from './canary-store.js';
import type { CanaryVerdict, MetricJudgement } from './canary-verdict.js';

/** What GetPolicy says of one canary. */
export interface CanaryDescription {
  readonly arm: CanaryArm;
  readonly status: CanaryStatus | 'not_watched';
  readonly reason: string;
  readonly metrics: readonly MetricJudgement[];
  readonly startedUnixMs: number;
  readonly decidedUnixMs: number;
  readonly appliedUnixMs: number;
}

/** The wire form of a canary's state (CanaryState in policy.proto). */
export function toCanaryState(description: CanaryDescription): CanaryState {
  const { arm, metrics } = description;
  return create(CanaryStateSchema, {
    candidate: arm.candidate,
    stableVersion: arm.stableVersion,
    armModel: arm.armModel,
    armVersion: arm.armVersion,
    percent: arm.percent,
    status: description.status,
    reason: description.reason,
    metrics: metrics.map((judgement) => ({
      metric: judgement.metric,
      canarySamples: BigInt(judgement.canarySamples),
      canaryMean: judgement.canaryMean,
      stableSamples: BigInt(judgement.stableSamples),
      stableMean: judgement.stableMean,
      worseBy: judgement.worseBy,
      lower: judgement.lower,
      upper: judgement.upper,
      margin: judgement.margin,
      conclusion: judgement.conclusion,
    })),
    startedUnixMs: BigInt(description.startedUnixMs),
    decidedUnixMs: BigInt(description.decidedUnixMs),
    appliedUnixMs: BigInt(description.appliedUnixMs),
  });
}

/** A watched canary as it stands: what it would be judged now and what it waits for. */
export function watchedCanaryState(
  canary: { readonly arm: CanaryArm; readonly startedUnixMs: number },
  verdict: CanaryVerdict,
): CanaryState {
  const { arm, startedUnixMs } = canary;
  const { reason, metrics } = verdict;
  return toCanaryState({
    arm,
    status: 'watching',
    reason,
    metrics,
    startedUnixMs,
    decidedUnixMs: 0,
    appliedUnixMs: 0,
  });
}

/** An arm that is not watched, and why. */
export function unwatchedCanaryState({ arm, reason }: UnwatchableArm): CanaryState {
  return toCanaryState({
    arm,
    status: 'not_watched',
    reason,
    metrics: [],
    startedUnixMs: 0,
    decidedUnixMs: 0,
    appliedUnixMs: 0,
  });
}
