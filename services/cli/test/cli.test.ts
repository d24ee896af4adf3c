import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRegistryFixture } from '@switchboard/registry/testing';
import type { RegistryFixture } from '@switchboard/registry/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliInProcess } from './run-cli-in-process.js';
import type { CliResult } from './run-cli-in-process.js';

describe('switchboard CLI', () => {
  let fixture: RegistryFixture;
  let scratch: string;

  beforeAll(async () => {
    fixture = await startRegistryFixture('cli');
    scratch = await mkdtemp(join(tmpdir(), 'switchboard-cli-'));
  });

  afterAll(async () => {
    await fixture?.close();
    if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
  });

  /** Runs the CLI in-process against the test registry (found through SWITCHBOARD_REGISTRY). */
  function cli(...argv: string[]): Promise<CliResult> {
    return runCliInProcess(argv, { SWITCHBOARD_REGISTRY: `127.0.0.1:${fixture.registry.port}` });
  }

  it('registers a model from flags and shows it in the models table', async () => {
    const registered = await cli(
      ...['models', 'register', 'classifier-small', '--runtime', 'onnx', '--artifact', 'models/small.onnx'],
      ...['--task', 'classification', '--modality', 'structured', '--input', 'features:FP32:-1,4'],
      ...['--output', 'probabilities:FP32:-1,3', '--cost-per-call-micros', '10', '--quality', '0.8'],
      ...[
        '--max-batch-size',
        '16',
        '--max-queue-delay-us',
        '2000',
        '--version',
        '1',
        '--option',
        'threads=1',
      ],
    );
    expect(registered).toEqual({
      code: 0,
      stdout: 'registered model classifier-small version 1\n',
      stderr: '',
    });

    const listed = await cli('models', 'list');
    expect(listed.code).toBe(0);
    const [header, row] = listed.stdout.split('\n');
    expect(header).toMatch(/^NAME\s+VERSION\s+RUNTIME\s+TASK\s+MODALITY\s+QUALITY/);
    expect(row?.split(/\s{2,}/)).toEqual([
      'classifier-small',
      '1',
      'onnx',
      'classification',
      'structured',
      '0.8',
      '10',
      'dynamic ≤16',
      '-',
    ]);
  });

  it('prints a model as protobuf JSON', async () => {
    const { code, stdout } = await cli('models', 'get', 'classifier-small');

    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      name: 'classifier-small',
      versions: ['1'],
      modality: 'MODALITY_STRUCTURED',
      inputs: [{ name: 'features', datatype: 'FP32', shape: ['-1', '4'] }],
      costPerCallMicros: '10',
      batching: { mode: 'BATCHING_MODE_DYNAMIC', maxBatchSize: 16, maxQueueDelayUs: 2000 },
      runtimeOptions: { threads: '1' },
    });
  });

  it('registers a model from a JSON spec file, with flags overriding the file', async () => {
    const file = join(scratch, 'spec.json');
    const spec = {
      name: 'from-file',
      runtime: 'synthetic',
      modality: 'text',
      qualityScore: 0.5,
      costPerCallMicros: '3',
    };
    await writeFile(file, JSON.stringify(spec));

    const registered = await cli('models', 'register', '--file', file, '--quality', '0.6');

    expect(registered.stdout).toBe('registered model from-file version 1\n');
    expect(JSON.parse((await cli('models', 'get', 'from-file')).stdout)).toMatchObject({
      runtime: 'synthetic',
      modality: 'MODALITY_TEXT',
      qualityScore: 0.6,
      costPerCallMicros: '3',
    });
  });

  it('updates only the given fields and records a new version', async () => {
    const updated = await cli(
      ...['models', 'update', 'classifier-small', '--version', '2', '--artifact', 'models/small-v2.onnx'],
      ...['--quality', '0.85', '--option', 'threads=', '--option', 'intra=2'],
    );
    expect(updated).toMatchObject({ code: 0, stdout: 'updated model classifier-small (version 2)\n' });

    const model = JSON.parse((await cli('models', 'get', 'classifier-small')).stdout) as Record<
      string,
      unknown
    >;
    expect(model).toMatchObject({
      versions: ['1', '2'],
      qualityScore: 0.85,
      task: 'classification',
      costPerCallMicros: '10',
    });
    expect(model['runtimeOptions']).toEqual({ intra: '2' });
  });

  it('puts, lists, gets and deletes a route', async () => {
    const put = await cli(
      'routes',
      'put',
      'classify',
      '--model',
      'from-file',
      '--model',
      'classifier-small',
      '--description',
      'cheap first',
    );
    expect(put).toEqual({ code: 0, stdout: 'route classify → from-file, classifier-small\n', stderr: '' });

    const listed = await cli('routes', 'list');
    expect(listed.stdout.split('\n')[0]).toMatch(/^NAME\s+CANDIDATES\s+CASCADE\s+SHADOWS\s+DESCRIPTION$/);
    expect(listed.stdout.split('\n')[1]?.split(/\s{2,}/)).toEqual([
      'classify',
      'from-file, classifier-small',
      '-',
      '-',
      'cheap first',
    ]);
    expect(JSON.parse((await cli('routes', 'get', 'classify')).stdout)).toEqual({
      name: 'classify',
      candidates: [{ model: 'from-file' }, { model: 'classifier-small' }],
      description: 'cheap first',
      updatedAtUnixMs: expect.stringMatching(/^\d+$/),
    });

    expect(await cli('routes', 'delete', 'classify')).toMatchObject({
      code: 0,
      stdout: 'deleted route classify\n',
    });
    expect((await cli('routes', 'list')).stdout).toBe('(none)\n');
  });

  it('refuses to delete a model a route uses, printing the status name and message to stderr', async () => {
    await cli('routes', 'put', 'guard', '--model', 'from-file');

    const refused = await cli('models', 'delete', 'from-file');

    expect(refused).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'error: FAILED_PRECONDITION: model "from-file" is used by route(s) guard (candidate); remove it from them or delete them first\n',
    });
    await cli('routes', 'delete', 'guard');
    expect(await cli('models', 'delete', 'from-file')).toMatchObject({
      code: 0,
      stdout: 'deleted model from-file\n',
    });
    expect(await cli('models', 'get', 'from-file')).toMatchObject({
      code: 1,
      stderr: 'error: NOT_FOUND: model "from-file" is not registered\n',
    });
  });

  it('registers and updates a model’s latency priors from a file and flags', async () => {
    const file = join(scratch, 'timed.json');
    await writeFile(file, JSON.stringify({ name: 'timed', runtime: 'synthetic', latencyPriorMs: 0.2 }));

    expect(
      await cli('models', 'register', '--file', file, '--latency-prior-per-unit-us', '1.5'),
    ).toMatchObject({
      code: 0,
    });
    expect(JSON.parse((await cli('models', 'get', 'timed')).stdout)).toMatchObject({
      latencyPriorMs: 0.2,
      latencyPriorPerUnitUs: 1.5,
    });
    await cli('models', 'update', 'timed', '--latency-prior-ms', '4');
    expect(JSON.parse((await cli('models', 'get', 'timed')).stdout)).toMatchObject({
      latencyPriorMs: 4,
      latencyPriorPerUnitUs: 1.5,
    });
    expect(await cli('models', 'update', 'timed', '--latency-prior-ms', '-1')).toMatchObject({
      code: 1,
      stderr: expect.stringContaining(
        'INVALID_ARGUMENT: invalid model "timed": latency_prior_ms -1 must be a finite number >= 0',
      ),
    });
  });

  it('sets a model’s scaling limits from flags, shows them in get and list and changes one on update', async () => {
    const registered = await cli(
      ...['models', 'register', 'scaled', '--runtime', 'synthetic', '--min-replicas', '1'],
      ...['--max-replicas', '4', '--queue-wait-slo', '500ms', '--idle-unload', '10m'],
    );
    expect(registered).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse((await cli('models', 'get', 'scaled')).stdout)).toMatchObject({
      scaling: { minReplicas: 1, maxReplicas: 4, queueWaitSloMs: 500, idleUnloadSeconds: 600 },
    });

    await cli('models', 'update', 'scaled', '--max-replicas', '0', '--idle-unload', '1h');

    expect(JSON.parse((await cli('models', 'get', 'scaled')).stdout)).toMatchObject({
      scaling: { minReplicas: 1, queueWaitSloMs: 500, idleUnloadSeconds: 3600 },
    });
    const row = (await cli('models', 'list')).stdout.split('\n').find((line) => line.startsWith('scaled '));
    expect(row?.split(/\s{2,}/).at(-1)).toBe('replicas ≥ 1, queue wait ≤ 500ms, idle unload 1h');
    expect(await cli('models', 'update', 'scaled', '--max-replicas', '2000')).toMatchObject({
      code: 1,
      stderr: expect.stringContaining(
        'INVALID_ARGUMENT: invalid model "scaled": scaling.max_replicas 2000 must be <= 1000',
      ),
    });
  });

  it('rejects a malformed --queue-wait-slo or a fractional --idle-unload before calling the registry', async () => {
    const slo = await cli('models', 'update', 'scaled', '--queue-wait-slo', 'soon');
    expect(slo.code).toBe(1);
    expect(slo.stderr).toContain(
      "argument 'soon' is invalid. expected a duration such as 500ms, 2s, 10m or 1h",
    );
    const idle = await cli('models', 'update', 'scaled', '--idle-unload', '1500ms');
    expect(idle.code).toBe(1);
    expect(idle.stderr).toContain('expected whole seconds');
  });

  it('rejects a malformed --input before calling the registry', async () => {
    const result = await cli('models', 'register', 'odd', '--runtime', 'onnx', '--input', 'features');

    expect(result.code).toBe(1);
    expect(result.stderr).toContain("argument 'features' is invalid. expected name:DATATYPE:dims");
  });

  it('says where it looked when no registry listens at --registry', async () => {
    const result = await cli('--registry', '127.0.0.1:1', 'models', 'list');

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: UNAVAILABLE: .*is the registry running at 127\.0\.0\.1:1\?/);
  });
});
