import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@switchboard/logging';
import { loadConfig, start } from '@switchboard/optimizer';
import type { RunningOptimizer } from '@switchboard/optimizer';
import { startRegistryFixture } from '@switchboard/registry/testing';
import type { RegistryFixture } from '@switchboard/registry/testing';
import { testInfrastructure } from '@switchboard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliInProcess } from './run-cli-in-process.js';
import type { CliResult } from './run-cli-in-process.js';

const ROUTE = 'assist';
const ROWS = 60;

/**
 * A made-up outcome file: `org/Coder` answers the code prompts, `Generalist` the trivia ones, and
 * `Unlisted-Model` (not a candidate of the route) everything.
 */
function outcomeCsv(): string {
  const header =
    'sample_id,prompt,org/Coder,Generalist,Unlisted-Model,org/Coder|total_cost,Generalist|total_cost,Unlisted-Model|total_cost';
  const rows = Array.from({ length: ROWS }, (_, index) => {
    const code = index % 2 === 0;
    const prompt = code
      ? `"Write a python function, number ${index}, that reverses a list"`
      : `"Which river, question ${index}, flows through the capital city"`;
    return `made-up.${index},${prompt},${code ? 1 : 0},${code ? 0 : 1},1,0.001,0.001,0.03`;
  });
  return `${[header, ...rows].join('\n')}\n`;
}

describe('switchboard optimizer and policy', () => {
  let fixture: RegistryFixture;
  let optimizer: RunningOptimizer;
  let scratch: string;
  let file: string;

  beforeAll(async () => {
    fixture = await startRegistryFixture('clioptimizer');
    for (const [name, quality] of [
      ['coder', 0.5],
      ['generalist', 0.5],
    ] as const) {
      await fixture.client.registerModel({
        model: { name, version: '1', runtime: 'synthetic', qualityScore: quality, costPerCallMicros: 1_000n },
      });
    }
    await fixture.client.putRoute({
      route: { name: ROUTE, candidates: [{ model: 'coder' }, { model: 'generalist' }] },
    });
    const config = loadConfig({
      NATS_URL: testInfrastructure().natsUrl,
      DATABASE_URL: fixture.config.databaseUrl,
      SWITCHBOARD_NAMESPACE: fixture.names.namespace,
      OPTIMIZER_HOST: '127.0.0.1',
      OPTIMIZER_PORT: '0',
      METRICS_HOST: '127.0.0.1',
      METRICS_PORT: '0',
      OPTIMIZER_PUBLISH_INTERVAL: '100ms',
    });
    optimizer = await start(config, createLogger({ service: 'optimizer', level: 'silent' }));
    scratch = await mkdtemp(join(tmpdir(), 'switchboard-cli-optimizer-'));
    file = join(scratch, 'outcomes.csv');
    await writeFile(file, outcomeCsv());
  });

  afterAll(async () => {
    await optimizer?.stop();
    await fixture?.close();
    if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
  });

  /** Runs the CLI in-process against the test optimizer (found through SWITCHBOARD_OPTIMIZER). */
  function cli(...argv: string[]): Promise<CliResult> {
    return runCliInProcess(argv, { SWITCHBOARD_OPTIMIZER: `127.0.0.1:${optimizer.port}` });
  }

  it('imports a file in chunks, maps its model names, trains on the last chunk and says what it stored', async () => {
    const result = await cli('optimizer', 'import', '--route', ROUTE, '--file', file, '--chunk-rows', '25');

    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      '60 rows of 3 models; registry names: org/Coder → coder, Generalist → generalist, Unlisted-Model → unlisted-model',
    );
    expect(result.stderr).toContain(
      'stored 25/60 rows\nstored 50/60 rows\nsending rows 51–60 of 60 and training…\nstored 60/60 rows',
    );
    const [stored, published] = result.stdout.trim().split('\n');
    expect(stored).toBe(
      'stored 60 rows for route assist; skipped 60 outcomes of models that are not candidates of the route ' +
        '(see the registry names on stderr; map a model with --model csvName=registryName)',
    );
    expect(published).toMatch(/^published policy version \d+$/);
  });

  it('shows the live policy with each model’s evidence', async () => {
    const result = await cli('policy', 'show', ROUTE);

    expect(result).toMatchObject({ code: 0, stderr: '' });
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(
      /^route assist: policy version \d+, published \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/,
    );
    expect(lines[2]).toBe('settings: cost weight 10 per US$, SLO-miss weight 1, exploration 0.1 (premium 0)');
    expect(lines).toContainEqual(expect.stringMatching(/^MODEL\s+OBSERVATIONS\s+FEEDBACK\s+QUALITY/));
    const rows = lines
      .filter((line) => /^(coder|generalist)\s/.test(line))
      .map((line) => line.split(/\s{2,}/));
    expect(rows.map((row) => row[0]).sort()).toEqual(['coder', 'generalist']);
    // Each answered half of the prompts right; the held-out rows are not counted.
    for (const row of rows) {
      expect(Number(row[1])).toBeGreaterThan(40);
      expect(Number(row[3])).toBeCloseTo(0.5, 1);
    }
  });

  it('changes only the settings given, keeping the other tiers', async () => {
    const result = await cli('policy', 'set', ROUTE, '--cost-weight', '50', '--tier-exploration', 'free=0.2');

    expect(result).toEqual({
      code: 0,
      stdout:
        'route assist: cost weight 50 per US$, SLO-miss weight 1, exploration 0.1 (free 0.2, premium 0)\n',
      stderr: '',
    });
    const shown = await cli('policy', 'show', ROUTE);
    expect(shown.stdout).toContain(
      'settings: cost weight 50 per US$, SLO-miss weight 1, exploration 0.1 (free 0.2, premium 0)',
    );
  });

  it('changes canary thresholds, keeping the others and the reward settings', async () => {
    const result = await cli(
      'policy',
      'set',
      ROUTE,
      '--canary-min-feedback',
      '0',
      '--canary-error-margin',
      '0.02',
    );
    expect(result.stdout.split('\n')[1]).toBe(
      'route assist: canaries alpha 0.05; margins: latency 10%, error rate 0.02, quality 0.05; ' +
        'at least 200 requests and 50 feedback per arm',
    );
    const again = await cli('policy', 'set', ROUTE, '--canary-promote-without-feedback');
    expect(again.stdout).toContain('error rate 0.02, quality 0.05; at least 200 requests per arm, promoted');
    const shown = await cli('policy', 'show', ROUTE);
    expect(shown.stdout).toContain('canaries: none (the route has no rollout arms)');
    expect(shown.stdout).toContain('settings: cost weight 50 per US$');
  });

  it('passes the optimizer’s refusal of a setting on', async () => {
    const result = await cli('policy', 'set', ROUTE, '--exploration', '0.9');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: INVALID_ARGUMENT: .*exploration/);
  });

  it('stops at a malformed file before sending anything, naming the file, line and column', async () => {
    const broken = join(scratch, 'broken.csv');
    await writeFile(broken, outcomeCsv().replace(',1,0,1,0.001', ',yes,0,1,0.001'));

    const result = await cli('optimizer', 'import', '--route', ROUTE, '--file', broken);

    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: `error: ${broken}:2: column 3 (org/Coder): "yes" is not a number in [0, 1]\n`,
    });
  });

  it('refuses a --model override for a model the file does not have', async () => {
    const result = await cli(
      'optimizer',
      'import',
      '--route',
      ROUTE,
      '--file',
      file,
      '--model',
      'Coder=coder',
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'error: the file has no model column "Coder"; its models are org/Coder, Generalist, Unlisted-Model\n',
    );
  });

  it('says which route is unknown and where it looked for an unreachable optimizer', async () => {
    const unknown = await cli('policy', 'show', 'nope');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^error: NOT_FOUND: .*nope/);

    const unreachable = await runCliInProcess(['--optimizer', '127.0.0.1:1', 'policy', 'show', ROUTE], {});
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(
      /^error: UNAVAILABLE: .*\(is the optimizer running at 127\.0\.0\.1:1\? set --optimizer or SWITCHBOARD_OPTIMIZER\)\n$/,
    );
  });

  it('asks for at least one setting', async () => {
    const result = await cli('policy', 'set', ROUTE);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'error: give at least one of --cost-weight, --slo-miss-weight, --exploration, --tier-exploration, --canary-*\n',
    );
  });
});
