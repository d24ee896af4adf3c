import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fromBinary } from '@bufbuild/protobuf';
import { BatchingMode, WorkerHeartbeatSchema } from '@switchboard/protocol';
import type { WorkerHeartbeat } from '@switchboard/protocol';
import { startRegistryFixture } from '@switchboard/registry/testing';
import type { RegistryFixture } from '@switchboard/registry/testing';
import { waitFor } from '@switchboard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningWorker } from '../src/index.js';
import { writeRecordedOutcomes } from '../src/runtimes/__fixtures__/llm-batches.js';
import { createJobClient } from './support/job-client.js';
import { startTestWorker } from './support/start-test-worker.js';
import { promptRequest, stepwiseLlmSpec } from './support/stepwise-llm.js';

const CONTINUOUS_MODEL = 'llm-continuous';
const DYNAMIC_MODEL = 'llm-dynamic';
const MAX_BATCH_SIZE = 16;
/**
 * One simulated accelerator for both: 20 ms per admission, 20 ms per step plus 1 ms per sequence,
 * run 10 times faster than the clock, so a step of 16 sequences takes 3.6 ms.
 */
const TIMING = {
  ttft_ms: '20',
  prefill_us_per_token: '100',
  decode_ms_per_step: '20',
  decode_us_per_sequence: '1000',
  speedup: '10',
};
/** Output lengths of the mixed workload, as chat traffic has them: mostly short, some long. */
const LENGTHS = [4, 8, 16, 32, 128, 8, 4, 16];
const JOBS = 80;
/** Jobs arrive open loop, one every 12 ms (83 per second), whether or not earlier ones are answered. */
const ARRIVAL_INTERVAL_MS = 12;

interface RunSummary {
  p99Ms: number;
  jobsPerSecond: number;
}

function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? NaN;
}

describe('continuous against dynamic batching of one step-wise model', () => {
  let registry: RegistryFixture;
  let worker: RunningWorker;
  let directory: string;
  const heartbeats: WorkerHeartbeat[] = [];

  /** Sends the workload to `model` open loop and measures latency (send to answer) and throughput. */
  async function runWorkload(model: string): Promise<RunSummary> {
    const jobs = createJobClient(registry.connection, registry.names, model);
    const startedAtMs = performance.now();
    const latencies: Promise<number>[] = [];
    try {
      for (let index = 0; index < JOBS; index += 1) {
        const sentAtMs = performance.now();
        const maxTokens = LENGTHS[index % LENGTHS.length] ?? 1;
        latencies.push(
          jobs.send(promptRequest(model, maxTokens)).then((result) => {
            expect(result.status?.code).toBe(0);
            return performance.now() - sentAtMs;
          }),
        );
        await sleep(ARRIVAL_INTERVAL_MS);
      }
      const measured = await Promise.all(latencies);
      const elapsedMs = performance.now() - startedAtMs;
      return { p99Ms: percentile(measured, 0.99), jobsPerSecond: (JOBS / elapsedMs) * 1000 };
    } finally {
      jobs.close();
    }
  }

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'worker-continuous-vs-dynamic-'));
    const outcomesFile = join(directory, 'outcomes.jsonl');
    await writeRecordedOutcomes(outcomesFile);
    registry = await startRegistryFixture('worker-cb-vs-db');
    registry.connection.subscribe(registry.names.workerHeartbeatSubject, {
      callback: (_error, message) => void heartbeats.push(fromBinary(WorkerHeartbeatSchema, message.data)),
    });
    const batchings = {
      [CONTINUOUS_MODEL]: { mode: BatchingMode.CONTINUOUS, maxBatchSize: MAX_BATCH_SIZE },
      [DYNAMIC_MODEL]: { mode: BatchingMode.DYNAMIC, maxBatchSize: MAX_BATCH_SIZE, maxQueueDelayUs: 2_000 },
    };
    for (const [name, batching] of Object.entries(batchings)) {
      await registry.client.registerModel({ model: stepwiseLlmSpec(name, outcomesFile, batching, TIMING) });
    }
    worker = await startTestWorker(registry, `${CONTINUOUS_MODEL},${DYNAMIC_MODEL}`);
    await waitFor(() => heartbeats.at(-1)?.models.length === 2, {
      timeoutMs: 15_000,
      message: 'the worker to load both models',
    });
  });

  afterAll(async () => {
    await worker?.stop();
    await registry?.close();
    await rm(directory, { recursive: true, force: true });
  });

  it('answers a mixed-length workload with a lower P99 and a higher throughput than dynamic batching', async () => {
    // One after the other, so neither competes with the other for the machine.
    const continuous = await runWorkload(CONTINUOUS_MODEL);
    const dynamic = await runWorkload(DYNAMIC_MODEL);

    const measured = JSON.stringify({ continuous, dynamic });
    expect(continuous.p99Ms * 1.5, measured).toBeLessThan(dynamic.p99Ms);
    expect(continuous.jobsPerSecond, measured).toBeGreaterThan(dynamic.jobsPerSecond);
  });
});
