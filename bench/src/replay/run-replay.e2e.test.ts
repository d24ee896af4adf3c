import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testInfrastructure } from '@switchboard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeWholeBenchOutput, runWholeBench } from '../shared/run-whole-bench.js';
import { parseReplayFlags } from './parse-replay-flags.js';
import { POLICY_NAMES } from './replay-results.js';
import type { ReplayResults, RequestOutcome } from './replay-results.js';
import { runReplay } from './run-replay.js';

const fixture = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const PROMPTS = fixture('./__fixtures__/routerbench-eleven-models.csv');
const TRACE = fixture('../shared/__fixtures__/azure-conv-first-12.csv');

describe('pnpm bench replay', () => {
  let out: string;
  let results: ReplayResults;
  let outcomes: RequestOutcome[];

  beforeAll(async () => {
    ({ out, results } = await runWholeBench<ReplayResults>('replay-test-', async (dir, cleanup) => {
      // The 12 real arrivals of the fixture, 10 s of trace time, at 20× on one worker.
      const flags = parseReplayFlags([
        ...['--trace', TRACE, '--prompts', PROMPTS, '--train', PROMPTS],
        ...['--speedup', '20', '--duration', '60', '--workers', '1', '--out', dir],
      ]);
      await runReplay(flags, testInfrastructure(), cleanup);
    }));
    outcomes = (await readFile(join(out, 'outcomes.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as RequestOutcome);
  }, 180_000);

  afterAll(() => removeWholeBenchOutput(out));

  it('writes results.json with every policy and every field, and a report with its charts', async () => {
    expect(results.run).toMatchObject({ requests: 12, speedup: 20, seed: 1 });
    expect(Object.keys(results.policies)).toEqual([...POLICY_NAMES]);
    expect(Object.keys(results.ratios_to_static)).toEqual([...POLICY_NAMES]);
    for (const result of Object.values(results.policies)) {
      expect(Object.keys(result).sort()).toEqual(
        [
          'accuracy',
          'capacity_rps',
          'cost_per_request_usd',
          'errors',
          'goodput_rps',
          'latency_ms',
          'reasons',
          'requests',
          'slo_miss_rate',
          'throughput_rps',
        ].sort(),
      );
      expect(result.requests).toBe(12);
    }
    const report = await readFile(join(out, 'report.md'), 'utf8');
    for (const chart of ['latency-cdf.png', 'cost-accuracy.png', 'timeline.png'])
      expect(report).toContain(chart);
  });

  it('answers every request through the running system, or refuses it when its tier budget runs out', () => {
    const DEADLINE_EXCEEDED = 4;
    const RESOURCE_EXHAUSTED = 8;
    expect(outcomes).toHaveLength(12 * POLICY_NAMES.length);
    // A premium request (8 s) to a slow model with a long answer may miss its deadline, or be refused
    // at admission because it is predicted to (RESOURCE_EXHAUSTED with a retry delay); nothing else may fail.
    const tierBudget = new Set([0, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED]);
    expect(outcomes.filter((outcome) => !tierBudget.has(outcome.code))).toEqual([]);
    expect(outcomes.filter((outcome) => outcome.code === 0 && outcome.model === '')).toEqual([]);
    // Simulated latency: at least a time to first token (~0.45 s of trace time) per answer; refusals
    // at admission come back at once.
    const answered = outcomes.filter((outcome) => outcome.code === 0);
    expect(Math.min(...answered.map((outcome) => outcome.latencyMs))).toBeGreaterThan(400);
  });

  it('replays switchboard with the policy the optimizer learned from the training rows, and switchboard-rules by the rules', () => {
    expect(results.run.learned_route).toMatchObject({ route: 'llm', training_rows: 16 });
    expect(results.run.learned_route?.policy_version).toBeGreaterThanOrEqual(1);
    expect(results.run.learned_route?.cost_weight_per_usd).toBeGreaterThan(0);
    const reasons = (policy: string) =>
      outcomes
        .filter((outcome) => outcome.policy === policy && outcome.code === 0)
        .map((outcome) => outcome.reason);
    expect(reasons('switchboard')).toContain('learned_policy');
    expect(reasons('switchboard-rules').length).toBeGreaterThan(0);
    expect(reasons('switchboard-rules')).not.toContain('learned_policy');
    expect(results.policies.switchboard?.reasons['learned_policy']).toBeGreaterThan(0);
  });

  it("gives the oracle's answers an accuracy at least every policy's", () => {
    // Over the requests answered: a request refused or late under a loaded machine counts as wrong
    // in results.json, which says how the system fared, not how good the oracle's choices are.
    const answeredAccuracy = (policy: string) => {
      const answered = outcomes.filter((outcome) => outcome.policy === policy && outcome.code === 0);
      return answered.filter((outcome) => outcome.correct).length / Math.max(1, answered.length);
    };
    const oracle = answeredAccuracy('oracle');
    for (const policy of Object.keys(results.policies))
      expect(oracle, policy).toBeGreaterThanOrEqual(answeredAccuracy(policy));
  });

  it('sends each task to one model only under static', () => {
    const modelsByTask = new Map<string, Set<string>>();
    for (const outcome of outcomes.filter((candidate) => candidate.policy === 'static')) {
      modelsByTask.set(outcome.task, (modelsByTask.get(outcome.task) ?? new Set()).add(outcome.model));
    }
    expect(modelsByTask.size).toBeGreaterThan(0);
    for (const models of modelsByTask.values()) expect(models.size).toBe(1);
  });
});
