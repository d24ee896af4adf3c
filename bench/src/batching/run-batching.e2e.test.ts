import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testInfrastructure } from '@switchboard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeWholeBenchOutput, runWholeBench } from '../shared/run-whole-bench.js';
import type { BatchingResults } from './batching-results.js';
import { parseBatchingFlags } from './parse-batching-flags.js';
import { runBatching } from './run-batching.js';

/** The first 12 requests of the Azure conversation trace; the schedule wraps around them. */
const TRACE = fileURLToPath(new URL('../shared/__fixtures__/azure-conv-first-12.csv', import.meta.url));

describe('pnpm bench batching', () => {
  let out: string;
  let results: BatchingResults;

  beforeAll(async () => {
    ({ out, results } = await runWholeBench<BatchingResults>('batching-test-', async (dir, cleanup) => {
      // Short probes and no bisection: the test checks what the run writes, not where the limits lie.
      const flags = parseBatchingFlags([
        ...['--strategies', 'batch-1,dynamic,continuous', '--bisections', '0'],
        ...['--window', '2', '--stepwise-window', '2', '--speedup', '40', '--trace', TRACE, '--out', dir],
      ]);
      await runBatching(flags, testInfrastructure(), cleanup);
    }));
  }, 600_000);

  afterAll(() => removeWholeBenchOutput(out));

  it("writes the issue's shape: each strategy's throughput and P99 per scenario, and the SLOs", () => {
    expect(Object.keys(results.onnx)).toEqual(['batch-1', 'dynamic']);
    expect(Object.keys(results.stepwise)).toEqual(['dynamic', 'continuous']);
    for (const figures of [...Object.values(results.onnx), ...Object.values(results.stepwise)]) {
      expect(typeof figures.throughput_rps).toBe('number');
      expect(figures.p99_ms === null || typeof figures.p99_ms === 'number').toBe(true);
    }
    expect(results.slo_ms.onnx).toBeGreaterThanOrEqual(50);
    expect(typeof results.slo_ms.stepwise).toBe('number');
    expect(results.targets.map((target) => target.name)).toEqual([
      'onnx dynamic / batch-1',
      'stepwise continuous / dynamic',
    ]);
  });

  it('times the generated MLP at 5 ms or more a batch-1 run, from the worker telemetry', () => {
    const onnx = results.run['onnx'] as { batch_1_execute_ms: number; parameters: number };
    expect(onnx.batch_1_execute_ms).toBeGreaterThanOrEqual(5);
    expect(onnx.parameters).toBeGreaterThan(40_000_000);
  });

  it('keeps every probe and draws them', async () => {
    for (const scenario of ['onnx', 'stepwise'] as const) {
      expect(results.points[scenario].length).toBeGreaterThan(0);
      // Probes are stretched to expect 150 measured requests; Poisson arrivals give or take a few.
      expect(results.points[scenario].every((point) => point.requests >= 120)).toBe(true);
    }
    const png = await readFile(join(out, 'batching.png'));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
  });
});
