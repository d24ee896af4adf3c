import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSampleLoad, createSampleOutcomes, SAMPLE_RESULTS } from './__fixtures__/sample-replay.js';
import type { PolicyResult, RatiosToStatic, ReplayResults } from './replay-results.js';
import { writeReport } from './write-report.js';

const POLICIES = ['static', 'switchboard', 'oracle'] as const;
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47];

/** The body rows of the first Markdown table after `heading` (its header and rule left out). */
function tableRowsAfter(markdown: string, heading: string): string[] {
  const blocks = markdown.slice(markdown.indexOf(heading)).split('\n\n');
  const table = blocks.find((block) => block.startsWith('|')) ?? '';
  return table.split('\n').slice(2);
}

describe('writeReport', () => {
  let directory: string;

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'replay-report-'));
  });

  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  async function writeSampleReport(
    outDirectory: string,
    results: ReplayResults = SAMPLE_RESULTS,
  ): Promise<string> {
    await writeReport(
      outDirectory,
      results,
      createSampleOutcomes(POLICIES, 300),
      createSampleLoad(POLICIES, 30),
    );
    return readFile(join(outDirectory, 'report.md'), 'utf8');
  }

  it('writes results.json that parses back to the results, and the three charts as PNGs', async () => {
    const outDirectory = join(directory, 'nested', 'out');
    await writeSampleReport(outDirectory);
    expect(JSON.parse(await readFile(join(outDirectory, 'results.json'), 'utf8'))).toEqual(SAMPLE_RESULTS);
    for (const chart of ['latency-cdf.png', 'cost-accuracy.png', 'timeline.png']) {
      const png = await readFile(join(outDirectory, chart));
      expect([...png.subarray(0, PNG_SIGNATURE.length)]).toEqual(PNG_SIGNATURE);
    }
  });

  it('tabulates one row per policy in the results, in the order policies run', async () => {
    const report = await writeSampleReport(directory);
    const rows = tableRowsAfter(report, '## Results per policy');
    expect(rows.map((row) => row.split(' | ')[0])).toEqual(['| static', '| switchboard', '| oracle']);
    expect(rows[1]).toContain('| 0.00115680 |');
    expect(rows[2]).toMatch(/\| — \|$/);
  });

  it('shows ratios to static, with accuracy as a signed difference in points', async () => {
    const report = await writeSampleReport(directory);
    const rows = tableRowsAfter(report, '## Ratios to static');
    expect(rows).toEqual([
      '| switchboard | 0.37× | 0.50× | 0.56× | 1.09× | 1.90× | 0.55× | +1.2 pts |',
      '| oracle | 0.24× | 0.23× | 0.22× | 1.11× | — | 0.33× | +7.0 pts |',
    ]);
  });

  it('shows both capacities when static sustains no load, since no ratio exists', async () => {
    const results = SAMPLE_RESULTS;
    const staticNone: ReplayResults = {
      ...results,
      policies: {
        ...results.policies,
        static: { ...(results.policies.static as PolicyResult), capacity_rps: 0 },
        switchboard: { ...(results.policies.switchboard as PolicyResult), capacity_rps: 2.69 },
      },
      ratios_to_static: {
        ...results.ratios_to_static,
        switchboard: { ...(results.ratios_to_static.switchboard as RatiosToStatic), capacity: null },
      },
    };
    const rows = tableRowsAfter(await writeSampleReport(directory, staticNone), "## Paper's claims");
    expect(rows[3]).toBe(
      '| Requests per second on the same hardware (capacity) | +89% | 2.69 vs 0.00 req/s (no ratio: static sustains none) |',
    );
  });

  it("sets switchboard's changes beside the paper's claims, saying when capacity was not measured", async () => {
    const withoutCapacity: ReplayResults = {
      ...SAMPLE_RESULTS,
      ratios_to_static: {
        ...SAMPLE_RESULTS.ratios_to_static,
        switchboard: {
          mean: 0.37,
          p95: 0.5,
          p99: 0.5582,
          goodput: 1.088,
          capacity: null,
          cost: 0.55,
          accuracy_points: -0.4,
        },
      },
    };
    const rows = tableRowsAfter(await writeSampleReport(directory, withoutCapacity), "## Paper's claims");
    expect(rows).toEqual([
      '| Mean latency | −67% (45 vs 136 ms) | −63% (50.5 vs 136.4 ms) |',
      '| P95 latency | −52% (120 vs 250 ms) | −50% (125.9 vs 251.7 ms) |',
      '| P99 latency | −43% (200 vs 350 ms) | −44% (195.3 vs 349.9 ms) |',
      '| Requests per second on the same hardware (capacity) | +89% | not measured |',
      '| Cost | −45% | −45% |',
      '| Accuracy | no loss | −0.4 pts |',
    ]);
  });

  it('sets the learned and the rule-based switchboard side by side against the paper, with their router reasons', async () => {
    const switchboard = SAMPLE_RESULTS.policies.switchboard as PolicyResult;
    const withRules: ReplayResults = {
      ...SAMPLE_RESULTS,
      policies: {
        ...SAMPLE_RESULTS.policies,
        'switchboard-rules': {
          ...switchboard,
          latency_ms: { mean: 68.2, p50: 60, p95: 188.8, p99: 262.4 },
          cost_per_request_usd: 0.0012,
          accuracy: 0.85,
          reasons: { cheapest_feasible: 380, degraded_fastest: 19 },
        },
      },
      ratios_to_static: {
        ...SAMPLE_RESULTS.ratios_to_static,
        'switchboard-rules': {
          mean: 0.5,
          p95: 0.75,
          p99: 0.75,
          goodput: 1.05,
          capacity: null,
          cost: 0.5705,
          accuracy_points: -1,
        },
      },
    };
    const report = await writeSampleReport(directory, withRules);
    expect(report).toContain('| vs static | paper claims | switchboard here | switchboard-rules here |');
    expect(tableRowsAfter(report, "## Paper's claims")).toEqual([
      '| Mean latency | −67% (45 vs 136 ms) | −63% (50.5 vs 136.4 ms) | −50% (68.2 vs 136.4 ms) |',
      '| P95 latency | −52% (120 vs 250 ms) | −50% (125.9 vs 251.7 ms) | −25% (188.8 vs 251.7 ms) |',
      '| P99 latency | −43% (200 vs 350 ms) | −44% (195.3 vs 349.9 ms) | −25% (262.4 vs 349.9 ms) |',
      '| Requests per second on the same hardware (capacity) | +89% | +90% | not measured |',
      '| Cost | −45% | −45% | −43% |',
      '| Accuracy | no loss | +1.2 pts | −1.0 pts |',
    ]);
    expect(report).toContain('| policy | cheapest_feasible | learned_policy | degraded_fastest |');
    expect(tableRowsAfter(report, "## How Switchboard's routes chose")).toEqual([
      '| switchboard | 0 | 371 | 28 |',
      '| switchboard-rules | 380 | 0 | 19 |',
    ]);
  });

  it('leaves out the router reasons when no Switchboard policy ran', async () => {
    const { switchboard: _dropped, ...others } = SAMPLE_RESULTS.policies;
    const report = await writeSampleReport(directory, { ...SAMPLE_RESULTS, policies: others });
    expect(report).not.toContain("## How Switchboard's routes chose");
    expect(await writeSampleReport(directory)).toContain("## How Switchboard's routes chose");
  });

  it('describes the learned route: its training rows, policy version, λ and how λ was fitted', async () => {
    const report = await writeSampleReport(directory);
    expect(report).toContain(
      '- **Learned route (`switchboard`):** `llm`, no quality floor; 1112 training rows imported; policy version 1; ' +
        "λ 4.22 per US$, fitted for at most 40.0% of the dearest model's cost (cross-validated on the training " +
        'rows: accuracy 83.1% at 39.8%); exploration 10.0%',
    );
  });

  it('describes the run, says what is simulated and embeds each chart', async () => {
    const report = await writeSampleReport(directory);
    expect(report).toContain('- **Seed:** 42');
    expect(report).toContain('premium (budget 250 ms, 20.0% of requests)');
    expect(report).toContain(
      'Simulated: model execution time (from the recorded output length); GPU replicas.',
    );
    expect(report).toContain(
      '(arrivals, request sizes, prompts, answer correctness and cost) is recorded data',
    );
    for (const chart of ['latency-cdf.png', 'cost-accuracy.png', 'timeline.png']) {
      expect(report).toMatch(new RegExp(`!\\[[^\\]]+\\]\\(${chart}\\)\\n\\n\\S`));
    }
  });
});
