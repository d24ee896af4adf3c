import { create } from '@bufbuild/protobuf';
import { FailedPreconditionError, NotFoundError } from '@switchboard/errors';
import { createLogger } from '@switchboard/logging';
import { classifierSpec } from '@switchboard/models/testing';
import { ModelSpecSchema } from '@switchboard/protocol';
import type { ModelSpec } from '@switchboard/protocol';
import type { Tensor } from '@switchboard/tensors';
import { waitFor } from '@switchboard/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { ModelVersions } from './model-versions.js';
import { createOnnxRuntime } from './runtimes/onnx-runtime.js';
import type { LoadedModel } from './runtimes/runtime.js';

const logger = createLogger({ service: 'test', level: 'silent' });
const runtime = createOnnxRuntime();
const small = classifierSpec('classifier-small');
const large = classifierSpec('classifier-large');

/** A model whose current version "4" runs the large classifier; "1"–"3" alternate small and large. */
function versionedSpec(extraArtifacts: Record<string, string> = {}): ModelSpec {
  return create(ModelSpecSchema, {
    ...small,
    name: 'versioned',
    version: '4',
    versions: ['1', '2', '3', '4', ...Object.keys(extraArtifacts)],
    artifact: large.artifact,
    versionArtifacts: {
      '1': small.artifact,
      '2': large.artifact,
      '3': small.artifact,
      '4': large.artifact,
      ...extraArtifacts,
    },
  });
}

const oneRow: Tensor[] = [
  { name: 'features', datatype: 'FP32', shape: [1, 4], data: Float32Array.of(1, 2, 3, 4) },
];

describe('ModelVersions', () => {
  const opened: Array<{ versions: ModelVersions; current: LoadedModel }> = [];

  async function openVersions(
    spec = versionedSpec(),
    memoryFreeBytes?: () => number,
  ): Promise<ModelVersions> {
    const current = await runtime.load(spec);
    const versions = new ModelVersions({
      spec,
      current,
      currentLoadMs: 0,
      runtime,
      latestSpec: () => undefined,
      logger,
      memoryFreeBytes,
    });
    opened.push({ versions, current });
    return versions;
  }

  afterEach(async () => {
    for (const { versions, current } of opened.splice(0)) {
      await versions.close();
      await current.unload();
    }
  });

  it('resolves an empty version to the current one and refuses a version the model lacks with NOT_FOUND', async () => {
    const versions = await openVersions();

    expect(versions.resolve('')).toBe('4');
    expect(versions.resolve('2')).toBe('2');
    expect(() => versions.resolve('9')).toThrow(NotFoundError);
    expect(() => versions.resolve('9')).toThrow(
      'model "versioned" has no version "9"; its versions are "1", "2", "3", "4"',
    );
  });

  it('loads another version from its own artifact under its own version', async () => {
    const versions = await openVersions();

    const lease = await versions.acquire('1');

    expect(lease.served.spec).toMatchObject({ name: 'versioned', version: '1', artifact: small.artifact });
    await expect(lease.served.model.infer(oneRow)).resolves.toBeDefined();
    lease.release();
  });

  it("reports each version's cold start, its last batch start and the time its batches ran", async () => {
    const versions = await openVersions();
    const startedAtMs = Date.now();

    const lease = await versions.acquire('1');
    await new Promise((resolve) => setTimeout(resolve, 30));
    lease.release();

    const [current, other] = versions.loaded();
    expect(current).toMatchObject({ version: '4', lastUsedUnixMs: 0, busyMs: 0 });
    expect(other?.version).toBe('1');
    expect(other?.loadMs).toBeGreaterThan(0);
    expect(other?.lastUsedUnixMs).toBeGreaterThanOrEqual(startedAtMs);
    expect(other?.busyMs).toBeGreaterThanOrEqual(25);
  });

  it('refuses, as retryable, another version whose declared memory exceeds what the worker has free', async () => {
    const spec = create(ModelSpecSchema, { ...versionedSpec(), memoryBytes: 1_000n });
    const versions = await openVersions(spec, () => 999);

    const refused = versions.acquire('1');

    await expect(refused).rejects.toMatchObject({ name: 'UnavailableError', retryable: true });
    await expect(refused).rejects.toThrow(/cannot load version "1".*needs 1000 bytes.*999 free/);
    expect(versions.loaded().map((loaded) => loaded.version)).toEqual(['4']);
  });

  it('keeps at most two other versions loaded, unloading the least recently used', async () => {
    const versions = await openVersions();

    for (const version of ['1', '2', '1', '3']) (await versions.acquire(version)).release();

    expect(versions.loaded().map((loaded) => loaded.version)).toEqual(['4', '1', '3']);
  });

  it('keeps a version evicted under a running batch loaded until that batch releases it', async () => {
    const versions = await openVersions();
    const running = await versions.acquire('1');

    for (const version of ['2', '3']) (await versions.acquire(version)).release();

    expect(versions.loaded().map((loaded) => loaded.version)).toEqual(['4', '2', '3']);
    await expect(running.served.model.infer(oneRow)).resolves.toBeDefined();
    running.release();
    await waitFor(
      () =>
        running.served.model.infer(oneRow).then(
          () => false,
          (error: unknown) => String(error).includes('was unloaded'),
        ),
      { message: 'version 1 unloaded after its release' },
    );
  });

  it('shares one load among batches that ask for a version at once', async () => {
    const versions = await openVersions();

    const [first, second] = await Promise.all([versions.acquire('2'), versions.acquire('2')]);

    expect(first.served).toBe(second.served);
    first.release();
    second.release();
  });

  it('refuses a version whose artifact cannot be loaded with FAILED_PRECONDITION naming it, and does not cache the failure', async () => {
    const versions = await openVersions(versionedSpec({ '5': '/nonexistent/versioned-5.onnx' }));

    const failure = versions.acquire('5');

    await expect(failure).rejects.toThrow(FailedPreconditionError);
    await expect(failure).rejects.toThrow('cannot load version "5" of model "versioned"');
    expect(versions.loaded().map((loaded) => loaded.version)).toEqual(['4']);
    await expect(versions.acquire('5')).rejects.toThrow(FailedPreconditionError);
  });

  it('unloads the versions it loaded on close and leaves the current one to its owner', async () => {
    const versions = await openVersions();
    const other = await versions.acquire('1');
    other.release();

    await versions.close();

    await expect(other.served.model.infer(oneRow)).rejects.toThrow('was unloaded');
    await expect(opened[0]?.current.infer(oneRow)).resolves.toBeDefined();
    expect(versions.loaded().map((loaded) => loaded.version)).toEqual(['4']);
  });
});
