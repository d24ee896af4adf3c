import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testInfrastructure } from '@switchboard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeWholeBenchOutput, runWholeBench } from '../shared/run-whole-bench.js';
import { AUTOSCALE_POLICIES } from './autoscale-results.js';
import type { AutoscaleResults } from './autoscale-results.js';
import { parseAutoscaleFlags } from './parse-autoscale-flags.js';
import { runAutoscale } from './run-autoscale.js';

const TRACE = fileURLToPath(new URL('./__fixtures__/azure-1500-1620s_code.csv', import.meta.url));
const WINDOW_SECONDS = 120;

describe('pnpm bench autoscale', () => {
  let out: string;
  let results: AutoscaleResults;

  beforeAll(async () => {
    ({ out, results } = await runWholeBench<AutoscaleResults>('autoscale-test-', async (dir, cleanup) => {
      // The fixture's 120 s of real bursts and lulls, at 10×: 12 s of replay per policy.
      const flags = parseAutoscaleFlags([
        ...['--trace', TRACE, '--duration', String(WINDOW_SECONDS), '--lead-in', '0'],
        ...['--speedup', '10', '--out', dir],
      ]);
      await runAutoscale(flags, testInfrastructure(), cleanup);
    }));
  }, 400_000);

  afterAll(() => removeWholeBenchOutput(out));

  it('writes every policy with the four figures, the ratios, the targets and the chart', async () => {
    expect(Object.keys(results.policies)).toEqual([...AUTOSCALE_POLICIES]);
    for (const result of Object.values(results.policies)) {
      for (const field of ['slo_miss_rate', 'replica_seconds', 'cold_starts', 'p99_ms'] as const)
        expect(typeof result[field]).toBe('number');
    }
    expect(Object.keys(results.ratios)).toEqual(['predictive/reactive', 'predictive/static-peak']);
    expect(results.targets).toHaveLength(2);
    const png = await readFile(join(out, 'autoscale.png'));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
  });

  it('sends every policy the same requests and measures simulated latencies in trace time', () => {
    const requests = Object.values(results.policies).map((result) => result.requests);
    expect(requests[0]).toBe(162);
    expect(new Set(requests).size).toBe(1);
    // A request takes at least a batch's base time, 1.5 s of trace time.
    for (const result of Object.values(results.policies)) expect(result.p50_ms).toBeGreaterThan(1_500);
  });

  it("holds static-peak's replicas the whole window, and at least the one replica of the others", () => {
    const staticPeak = results.policies['static-peak'];
    const peak = staticPeak?.models['code']?.min_replicas ?? 0;
    expect(peak).toBeGreaterThan(1);
    // Replica-seconds come from the heartbeats: the replicas held, integrated over the window.
    expect(staticPeak?.replica_seconds).toBeGreaterThanOrEqual(0.9 * peak * WINDOW_SECONDS);
    expect(staticPeak?.replica_seconds).toBeLessThanOrEqual(1.1 * peak * WINDOW_SECONDS);
    for (const policy of ['predictive', 'reactive'] as const)
      expect(results.policies[policy]?.replica_seconds).toBeGreaterThanOrEqual(0.9 * WINDOW_SECONDS);
  });
});
