import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { classifierModelSpecs } from '@switchboard/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem } from './support/test-system.js';
import type { TestSystem } from './support/test-system.js';
import { TRITON_PROTO_DIR } from './support/triton-client.js';

/** Debian's python3 with python3-grpcio and python3-grpc-tools (.ci/run installs them). */
const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('python/triton_grpc_client.py', import.meta.url));

interface PythonReport {
  infer_outputs: string[];
  config: { name: string; platform: string; max_batch_size: number; inputs: string[] };
  index: Record<string, string>;
  stream_answers: number;
  stream_error: string;
}

describe("the front door to Python's grpcio with stubs generated from Triton's .proto files", () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await startTestSystem('python');
    for (const model of classifierModelSpecs()) await system.registry.registerModel({ model });
    await system.startWorker(['classifier-small']);
    await system.waitUntilReady('classifier-small');
  }, 60_000);

  afterAll(async () => {
    await system?.stop();
  });

  it('answers ModelInfer, ModelConfig, RepositoryIndex and ModelStreamInfer to a Python client', async () => {
    // A missing grpcio or grpc_tools fails here with the script's message, never a skip.
    const { stdout } = await promisify(execFile)(
      PYTHON,
      [SCRIPT, system.routerAddress, TRITON_PROTO_DIR, 'classifier-small'],
      { timeout: 120_000 },
    ).catch((error: { stderr?: string; message: string }) => {
      throw new Error(`the Python client failed: ${error.stderr || error.message}`);
    });
    const report = JSON.parse(stdout) as PythonReport;
    expect(report.infer_outputs.length).toBeGreaterThan(0);
    expect(report.config).toMatchObject({ name: 'classifier-small', platform: 'onnxruntime_onnx' });
    expect(report.index['classifier-small']).toBe('READY');
    expect(report.stream_answers).toBe(22);
    expect(report.stream_error).toMatch(/^INVALID_ARGUMENT: /);
  }, 150_000);
});
