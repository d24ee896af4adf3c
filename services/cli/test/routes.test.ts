import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRegistryFixture } from '@switchboard/registry/testing';
import type { RegistryFixture } from '@switchboard/registry/testing';
import { InfeasibleAction, Modality, SelectionObjective } from '@switchboard/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliInProcess } from './run-cli-in-process.js';
import type { CliResult } from './run-cli-in-process.js';

/** A route file as an operator writes it: short enum names, a name the argument overrides. */
const ROUTE_FILE = {
  name: 'name-in-file',
  description: 'from a file',
  candidates: [
    {
      model: 'small',
      conditions: { modalities: ['text'], maxComplexity: 512, tiers: ['free', 'standard'] },
      rollout: [{ model: 'canary', percent: 10 }],
    },
    { model: 'large', conditions: { modalities: ['MODALITY_TEXT'] } },
  ],
  policy: { objective: 'fastest', whenInfeasible: 'degrade', maxAttempts: 2 },
  cascade: { confidenceThreshold: 0.6, maxSteps: 2 },
  shadows: [{ model: 'observer', percent: 5 }],
};

describe('switchboard routes', () => {
  let fixture: RegistryFixture;
  let scratch: string;

  beforeAll(async () => {
    fixture = await startRegistryFixture('cliroutes');
    scratch = await mkdtemp(join(tmpdir(), 'switchboard-routes-'));
    for (const name of ['small', 'large', 'canary', 'observer']) {
      await cli('models', 'register', name, '--runtime', 'synthetic');
    }
  });

  afterAll(async () => {
    await fixture?.close();
    if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
  });

  function cli(...argv: string[]): Promise<CliResult> {
    return runCliInProcess(argv, { SWITCHBOARD_REGISTRY: `127.0.0.1:${fixture.registry.port}` });
  }

  it('puts a route from a JSON file with short enum names, the name argument and flags overriding the file', async () => {
    const file = join(scratch, 'route.json');
    await writeFile(file, JSON.stringify(ROUTE_FILE));

    const put = await cli(
      ...['routes', 'put', 'chat', '--file', file, '--cascade-threshold', '0.8'],
      ...['--objective', 'best_quality', '--when-infeasible', 'refuse', '--min-quality', '0.5'],
    );

    expect(put).toEqual({
      code: 0,
      stdout: 'route chat → small (canary 10%), large (cascade < 0.8, ≤ 2 steps; shadows observer 5%)\n',
      stderr: '',
    });
    const { route } = await fixture.client.getRoute({ name: 'chat' });
    expect(route).toMatchObject({
      name: 'chat',
      description: 'from a file',
      policy: {
        objective: SelectionObjective.BEST_QUALITY,
        whenInfeasible: InfeasibleAction.REFUSE,
        minQuality: 0.5,
        maxAttempts: 2,
      },
      cascade: { confidenceThreshold: 0.8, maxSteps: 2 },
      shadows: [{ model: 'observer', percent: 5 }],
    });
    expect(route?.candidates[0]).toMatchObject({
      model: 'small',
      conditions: { modalities: [Modality.TEXT], maxComplexity: 512, tiers: ['free', 'standard'] },
      rollout: [{ model: 'canary', percent: 10 }],
    });
    expect(route?.candidates[1]?.conditions?.modalities).toEqual([Modality.TEXT]);
    expect((await fixture.client.listRoutes({})).routes.map((each) => each.name)).not.toContain(
      'name-in-file',
    );
  });

  it('lists candidates with their rollout arms, the cascade and the shadows', async () => {
    const listed = await cli('routes', 'list');

    expect(listed.code).toBe(0);
    const rows = listed.stdout
      .trimEnd()
      .split('\n')
      .map((line) => line.split(/\s{2,}/));
    expect(rows).toContainEqual([
      'chat',
      'small (canary 10%), large',
      '< 0.8, ≤ 2 steps',
      'observer 5%',
      'from a file',
    ]);
  });

  it('shows an arm serving another version of a model as model@version', async () => {
    await cli('models', 'update', 'small', '--version', '2');
    const file = join(scratch, 'canary.json');
    await writeFile(
      file,
      JSON.stringify({ candidates: [{ model: 'small', rollout: [{ version: '1', percent: 10 }] }] }),
    );

    const put = await cli('routes', 'put', 'versions', '--file', file);

    expect(put).toEqual({ code: 0, stdout: 'route versions → small (small@1 10%)\n', stderr: '' });
  });

  it('replaces the file’s candidates with plain ones given by --model', async () => {
    const file = join(scratch, 'route.json');
    await writeFile(file, JSON.stringify(ROUTE_FILE));

    await cli('routes', 'put', 'chat', '--file', file, '--model', 'large', '--model', 'small');

    const { route } = await fixture.client.getRoute({ name: 'chat' });
    expect(route?.candidates.map(({ model, conditions, rollout }) => [model, conditions, rollout])).toEqual([
      ['large', undefined, []],
      ['small', undefined, []],
    ]);
    expect(route?.cascade?.confidenceThreshold).toBe(0.6);
  });

  it('refuses a route without candidates before calling the registry', async () => {
    const result = await cli('routes', 'put', 'empty', '--description', 'nothing');

    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: give the candidates with --model (repeat, in order of preference) or in --file\n',
    });
  });

  it('prints the registry’s refusal of a cascade over one candidate', async () => {
    const result = await cli('routes', 'put', 'lonely', '--model', 'small', '--cascade-threshold', '0.9');

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^error: INVALID_ARGUMENT: invalid route "lonely": a cascade .* needs at least two candidates, not 1\n$/,
    );
  });

  it('rejects an objective it does not know and a file that is not a RouteSpec', async () => {
    const objective = await cli('routes', 'put', 'chat', '--model', 'small', '--objective', 'cheapest-ever');
    expect(objective.code).not.toBe(0);
    expect(objective.stderr).toContain('expected one of: cheapest, fastest, best_quality');

    const file = join(scratch, 'not-a-route.json');
    await writeFile(file, JSON.stringify({ candidates: [{ model: 'small', weight: 3 }] }));
    const malformed = await cli('routes', 'put', 'chat', '--file', file);
    expect(malformed.code).toBe(1);
    expect(malformed.stderr).toMatch(/^error: .*not-a-route\.json is not a RouteSpec: .*weight/);
  });
});
