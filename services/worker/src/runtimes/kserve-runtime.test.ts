import { readFileSync } from 'node:fs';
import { create } from '@bufbuild/protobuf';
import {
  ExecutionError,
  FailedPreconditionError,
  InvalidArgumentError,
  UnavailableError,
} from '@switchboard/errors';
import { serve, startGrpcServer } from '@switchboard/grpc';
import type { RunningGrpcServer } from '@switchboard/grpc';
import { createLogger } from '@switchboard/logging';
import { GRPCInferenceService, ModelSpecSchema } from '@switchboard/protocol';
import type { ModelInferRequest, ModelSpec } from '@switchboard/protocol';
import type { Tensor } from '@switchboard/tensors';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createKserveRuntime } from './kserve-runtime.js';
import type { LoadedModel } from './runtime.js';

/** Triton's ModelMetadata of an ONNX iris classifier (max_batch_size > 0, so dimension 0 is -1). */
const IRIS_METADATA = JSON.parse(
  readFileSync(new URL('./__fixtures__/kserve-iris-metadata.json', import.meta.url), 'utf8'),
) as {
  name: string;
  versions: string[];
  platform: string;
  inputs: { name: string; datatype: string; shape: number[] }[];
  outputs: { name: string; datatype: string; shape: number[] }[];
};

const toProtoTensors = (tensors: typeof IRIS_METADATA.inputs) =>
  tensors.map(({ name, datatype, shape }) => ({ name, datatype, shape: shape.map(BigInt) }));

/** A ModelInferResponse as the upstream answers it. */
interface InferResponse {
  modelName: string;
  modelVersion: string;
  outputs: { name: string; datatype: string; shape: bigint[] }[];
  rawOutputContents: Uint8Array[];
}

type InferAnswer = (request: ModelInferRequest) => Promise<InferResponse>;

/**
 * What the iris model computes here, a stand-in Triton answers deterministically: per row of four
 * features, [sum, max, min]. Answered raw, as Triton answers over gRPC.
 */
function answerIris(request: ModelInferRequest): Promise<InferResponse> {
  const raw = request.rawInputContents[0] as Uint8Array;
  const features = new Float32Array(Uint8Array.from(raw).buffer);
  const rows = features.length / 4;
  const probabilities = new Float32Array(rows * 3);
  for (let row = 0; row < rows; row++) {
    const values = Array.from(features.subarray(row * 4, row * 4 + 4));
    probabilities.set([values.reduce((a, b) => a + b, 0), Math.max(...values), Math.min(...values)], row * 3);
  }
  return Promise.resolve({
    modelName: request.modelName,
    modelVersion: '1',
    outputs: [{ name: 'probabilities', datatype: 'FP32', shape: [BigInt(rows), 3n] }],
    rawOutputContents: [new Uint8Array(probabilities.buffer)],
  });
}

interface Upstream {
  server: RunningGrpcServer;
  address: string;
  ready: boolean;
  metadata: typeof IRIS_METADATA;
  infer: InferAnswer;
  requests: ModelInferRequest[];
  inFlight: number;
  maxInFlight: number;
}

/** A local GRPCInferenceService that plays the Triton upstream. */
async function startUpstream(): Promise<Upstream> {
  const unused = () => Promise.reject(new UnavailableError('not served by this upstream'));
  const upstream = {
    ready: true,
    metadata: IRIS_METADATA,
    infer: answerIris,
    requests: [],
    inFlight: 0,
    maxInFlight: 0,
  } as unknown as Upstream;
  upstream.server = await startGrpcServer({
    host: '127.0.0.1',
    port: 0,
    logger: createLogger({ service: 'kserve-upstream', level: 'silent' }),
    services: [
      serve(GRPCInferenceService, {
        serverLive: unused,
        serverReady: unused,
        serverMetadata: unused,
        modelReady: () => Promise.resolve({ ready: upstream.ready }),
        modelMetadata: () =>
          Promise.resolve({
            ...upstream.metadata,
            inputs: toProtoTensors(upstream.metadata.inputs),
            outputs: toProtoTensors(upstream.metadata.outputs),
          }),
        modelInfer: async (request) => {
          upstream.requests.push(request);
          upstream.inFlight++;
          upstream.maxInFlight = Math.max(upstream.maxInFlight, upstream.inFlight);
          try {
            return await upstream.infer(request);
          } finally {
            upstream.inFlight--;
          }
        },
      }),
    ],
  });
  upstream.address = `127.0.0.1:${upstream.server.port}`;
  return upstream;
}

function irisSpec(options: Record<string, string>): ModelSpec {
  return create(ModelSpecSchema, {
    name: 'iris-classifier',
    runtime: 'kserve',
    inputs: [{ name: 'input', datatype: 'FP32', shape: [-1n, 4n] }],
    outputs: [{ name: 'probabilities', datatype: 'FP32', shape: [-1n, 3n] }],
    runtimeOptions: { model_name: 'iris', ...options },
  });
}

function featureBatch(rows: number[][]): Tensor[] {
  return [{ name: 'input', datatype: 'FP32', shape: [rows.length, 4], data: Float32Array.from(rows.flat()) }];
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('kserve runtime', () => {
  const runtime = createKserveRuntime();
  let upstream: Upstream;
  const loaded: LoadedModel[] = [];

  async function load(options: Record<string, string> = {}) {
    const model = await runtime.load(irisSpec({ address: upstream.address, ...options }));
    loaded.push(model);
    return model;
  }

  beforeAll(async () => {
    upstream = await startUpstream();
  });

  afterEach(async () => {
    await Promise.all(loaded.splice(0).map((model) => model.unload()));
    Object.assign(upstream, { ready: true, metadata: IRIS_METADATA, infer: answerIris, requests: [] });
    upstream.maxInFlight = 0;
  });

  afterAll(async () => {
    await upstream.server.stop(1000);
  });

  it('sends a batch as one raw ModelInfer and splits the outputs back in the declared order', async () => {
    const model = await load();
    expect(model.footprintBytes).toBe(0);
    expect(model.synthetic).toBe(false);

    const { outputs } = await model.infer(
      featureBatch([
        [5, 3.5, 1.5, 0.25],
        [6.75, 3, 5.25, 2.25],
      ]),
    );

    expect(upstream.requests).toHaveLength(1);
    const request = upstream.requests[0] as ModelInferRequest;
    expect(request.modelName).toBe('iris');
    expect(request.inputs.map(({ name, datatype, shape }) => ({ name, datatype, shape }))).toEqual([
      { name: 'input', datatype: 'FP32', shape: [2n, 4n] },
    ]);
    expect(request.inputs[0]?.contents).toBeUndefined();
    expect(request.rawInputContents[0]?.byteLength).toBe(2 * 4 * 4);
    expect(request.outputs.map(({ name }) => name)).toEqual(['probabilities']);
    expect(outputs).toHaveLength(1);
    expect(outputs[0]?.name).toBe('probabilities');
    expect(outputs[0]?.shape).toEqual([2, 3]);
    // Features exact in binary floating point, so the sums compare exactly.
    expect(Array.from(outputs[0]?.data as Float32Array)).toEqual([10.25, 5, 0.25, 17.25, 6.75, 2.25]);
  });

  it('asks the upstream for the model under the spec name when model_name is not set', async () => {
    upstream.metadata = { ...IRIS_METADATA, name: 'iris-classifier' };
    const model = await load({ model_name: '', model_version: '1' });
    await model.infer(featureBatch([[1, 2, 3, 4]]));
    expect(upstream.requests[0]?.modelName).toBe('iris-classifier');
    expect(upstream.requests[0]?.modelVersion).toBe('1');
  });

  it('refuses to load when the upstream model has other input shapes, naming the address and model', async () => {
    upstream.metadata = {
      ...IRIS_METADATA,
      inputs: [{ name: 'input', datatype: 'FP32', shape: [-1, 5] }],
    };
    const loading = load();
    await expect(loading).rejects.toThrow(FailedPreconditionError);
    await expect(loading).rejects.toThrow(
      `cannot load kserve model iris-classifier: upstream model "iris" at ${upstream.address} does not ` +
        'match the registry: input "input" is FP32 [-1, 4] in the registry but FP32 [-1, 5] upstream',
    );
  });

  it('refuses to load when the upstream lacks a declared output or has another datatype', async () => {
    upstream.metadata = { ...IRIS_METADATA, outputs: [{ name: 'logits', datatype: 'FP32', shape: [-1, 3] }] };
    await expect(load()).rejects.toThrow(
      'the upstream has no output "probabilities" (its outputs: "logits")',
    );
    upstream.metadata = { ...IRIS_METADATA, inputs: [{ name: 'input', datatype: 'FP16', shape: [-1, 4] }] };
    await expect(load()).rejects.toThrow(
      'input "input" is FP32 [-1, 4] in the registry but FP16 [-1, 4] upstream',
    );
  });

  it('refuses to load when the upstream model is not ready', async () => {
    upstream.ready = false;
    await expect(load()).rejects.toThrow(`upstream model "iris" at ${upstream.address} is not ready`);
  });

  it('refuses to load from an address nobody listens on, saying the upstream did not answer', async () => {
    const spare = await startUpstream();
    const address = spare.address;
    await spare.server.stop(0);
    const loading = runtime.load(irisSpec({ address }));
    await expect(loading).rejects.toThrow(FailedPreconditionError);
    await expect(loading).rejects.toThrow(
      `upstream model "iris" at ${address} did not answer ModelReady: UNAVAILABLE`,
    );
  });

  it('refuses unknown and malformed runtime options at load', async () => {
    await expect(load({ timeout: '5' })).rejects.toThrow(
      'kserve model iris-classifier: runtime option timeout is not known',
    );
    await expect(load({ max_in_flight: '0' })).rejects.toThrow('max_in_flight="0" must be an integer > 0');
    await expect(load({ tls: 'yes' })).rejects.toThrow('tls="yes" must be true or false');
    await expect(runtime.load(irisSpec({}))).rejects.toThrow(FailedPreconditionError);
  });

  it('makes UNAVAILABLE from the upstream a retryable error', async () => {
    const model = await load();
    upstream.infer = () => Promise.reject(new UnavailableError('the model instance is restarting'));
    const error = await model.infer(featureBatch([[1, 2, 3, 4]])).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ExecutionError);
    expect((error as ExecutionError).retryable).toBe(true);
    expect((error as ExecutionError).message).toContain('UNAVAILABLE: the model instance is restarting');
  });

  it('makes INVALID_ARGUMENT a non-retryable error carrying the upstream message, cut to a few hundred characters', async () => {
    const model = await load();
    const detail = `unexpected shape for input 'input' for model 'iris'. ${'x'.repeat(2000)}`;
    upstream.infer = () => Promise.reject(new InvalidArgumentError(detail));
    const error = await model.infer(featureBatch([[1, 2, 3, 4]])).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ExecutionError);
    expect((error as ExecutionError).retryable).toBe(false);
    const message = (error as ExecutionError).message;
    expect(message).toContain(
      `kserve upstream model "iris" at ${upstream.address} failed the batch: INVALID_ARGUMENT: ` +
        "unexpected shape for input 'input' for model 'iris'.",
    );
    expect(message.length).toBeLessThan(500);
  });

  it('gives a clear non-retryable error when the response lacks a declared output', async () => {
    const model = await load();
    upstream.infer = async (request) => {
      const answer = await answerIris(request);
      return { ...answer, outputs: [{ name: 'logits', datatype: 'FP32', shape: [1n, 3n] }] };
    };
    const error = await model.infer(featureBatch([[1, 2, 3, 4]])).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ExecutionError);
    expect((error as ExecutionError).retryable).toBe(false);
    expect((error as ExecutionError).message).toBe(
      `kserve upstream model "iris" at ${upstream.address} answered a malformed response: ` +
        'output "probabilities" is missing (it sent: "logits")',
    );
  });

  it('gives a clear non-retryable error when an output has another datatype or shape', async () => {
    const model = await load();
    upstream.infer = async (request) => ({
      ...(await answerIris(request)),
      outputs: [{ name: 'probabilities', datatype: 'FP32', shape: [3n, 1n] }],
    });
    await expect(model.infer(featureBatch([[1, 2, 3, 4]]))).rejects.toThrow(
      'output "probabilities" has shape [3, 1]; a batch of 1 needs [1, 3]',
    );
    upstream.infer = async (request) => ({
      ...(await answerIris(request)),
      outputs: [{ name: 'probabilities', datatype: 'INT32', shape: [1n, 3n] }],
    });
    await expect(model.infer(featureBatch([[1, 2, 3, 4]]))).rejects.toThrow(
      'output "probabilities" is INT32; the registry declares FP32',
    );
  });

  it('keeps at most max_in_flight calls at the upstream however many batches come', async () => {
    const model = await load({ max_in_flight: '2' });
    upstream.infer = async (request) => {
      await delay(50);
      return answerIris(request);
    };
    const batches = Array.from({ length: 6 }, (_, index) => model.infer(featureBatch([[index, 0, 0, 0]])));
    const results = await Promise.all(batches);
    expect(upstream.requests).toHaveLength(6);
    expect(upstream.maxInFlight).toBe(2);
    expect(results.map(({ outputs }) => (outputs[0]?.data as Float32Array)[0])).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('makes a call that outlives timeout_ms a retryable error', async () => {
    const model = await load({ timeout_ms: '100' });
    upstream.infer = async (request) => {
      await delay(400);
      return answerIris(request);
    };
    const started = Date.now();
    const error = await model.infer(featureBatch([[1, 2, 3, 4]])).catch((caught: unknown) => caught);
    expect(Date.now() - started).toBeLessThan(350);
    expect(error).toBeInstanceOf(ExecutionError);
    expect((error as ExecutionError).retryable).toBe(true);
    expect((error as ExecutionError).message).toContain('DEADLINE_EXCEEDED');
    await delay(400);
  });

  it('refuses batches once unloaded, retryably, and unloads only once', async () => {
    const model = await load();
    await Promise.all([model.unload(), model.unload()]);
    await expect(model.infer(featureBatch([[1, 2, 3, 4]]))).rejects.toMatchObject({ retryable: true });
  });
});
