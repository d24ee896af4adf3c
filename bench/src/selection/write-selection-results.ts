import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Strategy } from './choose-targets.js';
import { DECISION_TARGET_US } from './format-selection-results.js';
import type { DecisionTiming } from './measure-decision-time.js';
import type { PromptDecisionTimings } from './measure-prompt-decision-time.js';
import type { StrategySummary } from './summarise-outcomes.js';

/** One decision-timing case in results.json, in microseconds. */
interface TimingResult {
  readonly calls: number;
  readonly p50_us: number;
  readonly p99_us: number;
  readonly max_us: number;
}

/** results.json of a selection run. */
export interface SelectionResults {
  readonly strategies: Record<
    string,
    {
      readonly requests: number;
      readonly errors: number;
      readonly mean_ms: number;
      readonly p95_ms: number;
      readonly p99_ms: number;
      readonly slo_miss_percent: number;
      readonly cost_per_request_micros: number;
      readonly quality: number;
      readonly below_floor_percent: number;
    }
  >;
  readonly decision_time: {
    readonly target_p99_us: number;
    /** The workload's requests on their routes, decided by the routes' rules. */
    readonly workload_rules: TimingResult;
    /** 2 KB prompts on a route of 11 text models, by its rules and by a learned policy. */
    readonly prompt_2kb_rules: TimingResult;
    readonly prompt_2kb_learned: TimingResult;
    /** The learned decision's propensity estimate, made after the answer is sent. */
    readonly prompt_2kb_learned_propensity: TimingResult;
    readonly prompt_models: number;
    readonly prompt_source: string;
  };
  readonly machine: string;
}

const toTimingResult = (timing: DecisionTiming): TimingResult => ({
  calls: timing.calls,
  p50_us: timing.p50Us,
  p99_us: timing.p99Us,
  max_us: timing.maxUs,
});

/** The figures of a run in results.json's shape. */
export function toSelectionResults(
  summaries: ReadonlyMap<Strategy, StrategySummary>,
  workload: DecisionTiming,
  prompts: PromptDecisionTimings,
  machine: string,
): SelectionResults {
  const strategies: Record<string, SelectionResults['strategies'][string]> = {};
  for (const [strategy, summary] of summaries) {
    strategies[strategy] = {
      requests: summary.requests,
      errors: summary.errors,
      mean_ms: summary.meanMs,
      p95_ms: summary.p95Ms,
      p99_ms: summary.p99Ms,
      slo_miss_percent: summary.sloMissPercent,
      cost_per_request_micros: summary.costPerRequestMicros,
      quality: summary.quality,
      below_floor_percent: summary.belowFloorPercent,
    };
  }
  return {
    strategies,
    decision_time: {
      target_p99_us: DECISION_TARGET_US,
      workload_rules: toTimingResult(workload),
      prompt_2kb_rules: toTimingResult(prompts.rules),
      prompt_2kb_learned: toTimingResult(prompts.learned),
      prompt_2kb_learned_propensity: toTimingResult(prompts.propensity),
      prompt_models: prompts.models,
      prompt_source: prompts.promptSource,
    },
    machine,
  };
}

/** Writes results.json into `outDirectory` (created if missing) and returns its path. */
export async function writeSelectionResults(
  outDirectory: string,
  results: SelectionResults,
): Promise<string> {
  await mkdir(outDirectory, { recursive: true });
  const path = join(outDirectory, 'results.json');
  await writeFile(path, `${JSON.stringify(results, null, 2)}\n`);
  return path;
}
