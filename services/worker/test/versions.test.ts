import { create, fromBinary } from '@bufbuild/protobuf';
import { StatusCode } from '@switchboard/errors';
import { classifierSpec, fromRawFloat32, runReferenceModel } from '@switchboard/models/testing';
import {
  BatchRecordSchema,
  BatchingMode,
  BatchingSpecSchema,
  ModelSpecSchema,
  WorkerHeartbeatSchema,
} from '@switchboard/protocol';
import type { BatchRecord, JobResult, ModelSpec, WorkerHeartbeat } from '@switchboard/protocol';
import { startRegistryFixture } from '@switchboard/registry/testing';
import type { RegistryFixture } from '@switchboard/registry/testing';
import { waitFor } from '@switchboard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningWorker } from '../src/index.js';
import { createJobClient } from './support/job-client.js';
import { startTestWorker } from './support/start-test-worker.js';
import type { JobClient } from './support/job-client.js';

const MODEL = 'versioned';
/** Registered with an artifact that does not exist, so loading it fails. */
const BROKEN_ARTIFACT = '/nonexistent/versioned-3.onnx';
const CONCURRENT_JOBS = 48;

/** Version "1" runs the small classifier and version "2" the large one. */
const ARTIFACTS: Record<string, string> = {
  '1': classifierSpec('classifier-small').artifact,
  '2': classifierSpec('classifier-large').artifact,
};

/** `versioned` at `version` with `artifact`; a 20 ms batching window lets concurrent jobs meet. */
function versionedSpec(version: string, artifact: string): ModelSpec {
  return create(ModelSpecSchema, {
    ...classifierSpec('classifier-small'),
    name: MODEL,
    version,
    artifact,
    batching: create(BatchingSpecSchema, {
      mode: BatchingMode.DYNAMIC,
      maxBatchSize: 16,
      maxQueueDelayUs: 20_000,
    }),
  });
}

/** Deterministic, varied feature rows. */
function featureRow(index: number): number[] {
  return [Math.sin(index * 1.3), Math.cos(index * 0.7), (index % 17) / 17 - 0.5, ((index * 7) % 11) / 11];
}

/** Checks an answer holds the outputs of `version`'s artifact for `row`. */
function expectOutputsOf(version: string, row: number[], result: JobResult | undefined): void {
  const expected = runReferenceModel(ARTIFACTS[version] ?? '', Float32Array.from(row), 1);
  const actual = fromRawFloat32(result?.response?.rawOutputContents[0] ?? new Uint8Array());
  expect(actual).toHaveLength(expected.length);
  actual.forEach((value, column) => expect(value).toBeCloseTo(expected[column] ?? NaN, 5));
}

describe('a worker serving several versions of a model', () => {
  let registry: RegistryFixture;
  let worker: RunningWorker;
  let jobs: JobClient;
  const batches: BatchRecord[] = [];
  const heartbeats: WorkerHeartbeat[] = [];
  /** Jobs answered OK per version, to match against the batch records. */
  const answeredPerVersion = new Map<string, number>();

  async function infer(version: string, row: number[]): Promise<JobResult> {
    const result = await jobs.infer(version, [row]);
    if (result.status?.code === 0) {
      const ran = result.response?.modelVersion ?? '';
      answeredPerVersion.set(ran, (answeredPerVersion.get(ran) ?? 0) + 1);
    }
    return result;
  }

  beforeAll(async () => {
    registry = await startRegistryFixture('worker-versions');
    const { connection, names } = registry;
    connection.subscribe(names.telemetryBatchSubject(MODEL), {
      callback: (_error, message) => {
        batches.push(fromBinary(BatchRecordSchema, message.data));
      },
    });
    connection.subscribe(names.workerHeartbeatSubject, {
      callback: (_error, message) => {
        heartbeats.push(fromBinary(WorkerHeartbeatSchema, message.data));
      },
    });
    // Versions "1", "3" (broken) and "2", in that order; "2" is current.
    await registry.client.registerModel({ model: versionedSpec('1', ARTIFACTS['1'] ?? '') });
    await registry.client.updateModel({ model: versionedSpec('3', BROKEN_ARTIFACT) });
    await registry.client.updateModel({ model: versionedSpec('2', ARTIFACTS['2'] ?? '') });
    worker = await startTestWorker(registry, MODEL);
    await waitFor(() => loadedVersionsOf(heartbeats.at(-1)).includes('2'), {
      timeoutMs: 15_000,
      message: 'the worker to load version 2',
    });
    jobs = createJobClient(connection, names, MODEL);
  });

  afterAll(async () => {
    jobs?.close();
    await worker?.stop();
    await registry?.close();
  });

  it("answers jobs of version 1, of version 2 and of no version with that version's outputs, naming the version that ran", async () => {
    const row = featureRow(3);
    // The versions must disagree on this row, or the test could not tell them apart.
    expect(runReferenceModel(ARTIFACTS['1'] ?? '', Float32Array.from(row), 1)[0]).not.toBeCloseTo(
      runReferenceModel(ARTIFACTS['2'] ?? '', Float32Array.from(row), 1)[0] ?? NaN,
      3,
    );

    const [first, second, current] = await Promise.all([infer('1', row), infer('2', row), infer('', row)]);

    expect([first, second, current].map((result) => result.status?.code)).toEqual([0, 0, 0]);
    expect(first.response?.modelVersion).toBe('1');
    expectOutputsOf('1', row, first);
    expect(second.response?.modelVersion).toBe('2');
    expectOutputsOf('2', row, second);
    expect(current.response?.modelVersion).toBe('2');
    expectOutputsOf('2', row, current);
  });

  it('announces a version loaded on demand in its heartbeat beside the current one', async () => {
    await infer('1', featureRow(4));

    const heartbeat = await waitFor(
      () => heartbeats.findLast((beat) => loadedVersionsOf(beat).includes('1')),
      { message: 'a heartbeat listing version 1' },
    );
    expect(loadedVersionsOf(heartbeat)).toEqual(['2', '1']);
  });

  it('answers a job for a version the model does not have NOT_FOUND, naming the model and its versions', async () => {
    const result = await infer('9', featureRow(5));

    expect(result.status).toMatchObject({ code: StatusCode.NOT_FOUND, retryable: false });
    expect(result.status?.message).toBe(
      'model "versioned" has no version "9"; its versions are "1", "3", "2"',
    );
    expect(result.response).toBeUndefined();
  });

  it('answers the jobs of a version that cannot be loaded FAILED_PRECONDITION and keeps serving the others', async () => {
    const [broken, working] = await Promise.all([infer('3', featureRow(6)), infer('1', featureRow(6))]);

    expect(broken.status).toMatchObject({ code: StatusCode.FAILED_PRECONDITION, retryable: false });
    expect(broken.status?.message).toContain('cannot load version "3" of model "versioned"');
    expect(broken.status?.message).toContain(BROKEN_ARTIFACT);
    expect(working.status?.code).toBe(0);
    expectOutputsOf('1', featureRow(6), working);
  });

  it('batches concurrent jobs of two versions within each version, never mixing them', async () => {
    const versionOf = (index: number) => (index % 2 === 0 ? '1' : '2');

    const results = await Promise.all(
      Array.from({ length: CONCURRENT_JOBS }, (_, index) => infer(versionOf(index), featureRow(index))),
    );

    results.forEach((result, index) => {
      expect(result.status?.code).toBe(0);
      expect(result.response?.modelVersion).toBe(versionOf(index));
      expectOutputsOf(versionOf(index), featureRow(index), result);
    });
    expect(Math.max(...results.map((result) => result.batchSize))).toBeGreaterThan(1);
    // Every job that ran is in exactly one batch record, under the version it ran on.
    const recordedPerVersion = () => {
      const sizes = new Map<string, number>();
      for (const batch of batches) sizes.set(batch.version, (sizes.get(batch.version) ?? 0) + batch.size);
      return sizes;
    };
    await waitFor(() => recordedPerVersion().get('1') === answeredPerVersion.get('1'), {
      message: 'batch records of every job of version 1',
    });
    expect(recordedPerVersion()).toEqual(answeredPerVersion);
    expect(batches.every((batch) => batch.model === MODEL && batch.failed === 0)).toBe(true);
  });
});

/** The versions of `versioned` a heartbeat lists, in its order. */
function loadedVersionsOf(heartbeat: WorkerHeartbeat | undefined): string[] {
  return (heartbeat?.models ?? []).filter((model) => model.name === MODEL).map((model) => model.version);
}
