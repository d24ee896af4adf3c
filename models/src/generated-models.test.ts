import { statSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClassifySplit } from './generator/classify-task.js';
import { readModelManifest } from './read-model-manifest.js';
import type { ModelManifestEntry } from './read-model-manifest.js';
import { readOnnxGraph } from './read-onnx-graph.js';
import { readOnnxInitializers } from './read-onnx-initializers.js';
import { runReferenceModel } from './testing/run-reference-model.js';

// These tests read models/generated/, which `pnpm --filter @switchboard/models build` writes.
const manifest = readModelManifest();
const sessions = new Map<string, ort.InferenceSession>();
const heldOut = createClassifySplit().heldOut;

function modelNamed(name: string): ModelManifestEntry {
  const model = manifest.models.find((entry) => entry.name === name);
  if (model === undefined) throw new Error(`manifest has no ${name}`);
  return model;
}

async function runOnnx(name: string, features: Float32Array, rows: number): Promise<ort.Tensor> {
  const session = sessions.get(name);
  if (session === undefined) throw new Error(`no session for ${name}`);
  const result = await session.run({ features: new ort.Tensor('float32', features, [rows, 4]) });
  const output = result['probabilities'];
  if (output === undefined) throw new Error(`${name} returned no probabilities`);
  return output;
}

async function heldOutAccuracy(name: string): Promise<number> {
  const output = await runOnnx(name, Float32Array.from(heldOut.features), heldOut.rowCount);
  const probabilities = output.data as Float32Array;
  let correct = 0;
  for (let row = 0; row < heldOut.rowCount; row++) {
    const scores = Array.from(probabilities.subarray(row * 3, row * 3 + 3));
    if (scores.indexOf(Math.max(...scores)) === heldOut.labels[row]) correct++;
  }
  return correct / heldOut.rowCount;
}

beforeAll(async () => {
  for (const model of manifest.models) {
    sessions.set(model.name, await ort.InferenceSession.create(model.path, { intraOpNumThreads: 1 }));
  }
});

afterAll(async () => {
  for (const session of sessions.values()) await session.release();
});

describe('generated classify models', () => {
  it('lists a small and a large classifier whose recorded sizes match their files', () => {
    const small = modelNamed('classifier-small');
    const large = modelNamed('classifier-large');
    for (const model of [small, large]) {
      expect(model.task).toBe('classify');
      expect(model.sizeBytes).toBe(statSync(model.path).size);
      const parameters = [...readOnnxInitializers(model.path).values()];
      expect(parameters.reduce((sum, tensor) => sum + tensor.data.length, 0)).toBe(model.parameterCount);
    }
    expect(large.sizeBytes).toBeGreaterThan(50 * small.sizeBytes);
    expect(small.relativeCost).toBe(1);
    expect(large.relativeCost).toBeGreaterThan(100);
  });

  it('declares features [batch, 4] in and probabilities [batch, 3] out, as onnxruntime reads them', () => {
    for (const model of manifest.models) {
      const session = sessions.get(model.name);
      expect(session?.inputNames).toEqual(['features']);
      expect(session?.outputNames).toEqual(['probabilities']);
      expect(session?.inputMetadata[0]).toMatchObject({ type: 'float32', shape: ['batch', 4] });
      expect(session?.outputMetadata[0]).toMatchObject({ type: 'float32', shape: ['batch', 3] });
    }
  });

  it('builds each graph from MatMul, Add, Relu and a last-axis Softmax at opset 13', () => {
    const graph = readOnnxGraph(modelNamed('classifier-small').path);
    expect(graph.opsetVersion).toBe(13);
    expect(graph.nodes.map((node) => node.opType)).toEqual([
      'MatMul',
      'Add',
      'Relu',
      'MatMul',
      'Add',
      'Softmax',
    ]);
    expect(graph.nodes.at(-1)?.attributes).toEqual({ axis: -1 });
    expect(graph.inputs).toEqual([{ name: 'features', shape: ['batch', 4] }]);
  });

  it('answers every row of a batch with probabilities that sum to 1', async () => {
    for (const model of manifest.models) {
      const output = await runOnnx(model.name, Float32Array.from(heldOut.features.subarray(0, 40)), 10);
      expect(output.dims).toEqual([10, 3]);
      const probabilities = output.data as Float32Array;
      for (let row = 0; row < 10; row++) {
        const scores = probabilities.subarray(row * 3, row * 3 + 3);
        scores.forEach((score) => expect(score).toBeGreaterThanOrEqual(0));
        expect(scores.reduce((sum, score) => sum + score, 0)).toBeCloseTo(1, 5);
      }
    }
  });

  it('matches a plain-JS forward pass over the weights decoded from the file within 1e-5', async () => {
    const rows = 64;
    const features = Float32Array.from(heldOut.features.subarray(0, rows * 4));
    for (const model of manifest.models) {
      const actual = (await runOnnx(model.name, features, rows)).data as Float32Array;
      const expected = runReferenceModel(model.path, features, rows);
      expect(actual.length).toBe(expected.length);
      actual.forEach((value, index) => expect(Math.abs(value - (expected[index] ?? NaN))).toBeLessThan(1e-5));
    }
  });

  it('makes the large model clearly more accurate than the small one on the held-out split', async () => {
    const small = await heldOutAccuracy('classifier-small');
    const large = await heldOutAccuracy('classifier-large');
    expect(large).toBeGreaterThan(small + 0.1);
    expect(large).toBeGreaterThan(0.95);
    // The manifest's quality scores are what onnxruntime measures, not just what training believed.
    expect(small).toBeCloseTo(modelNamed('classifier-small').heldOutAccuracy, 2);
    expect(large).toBeCloseTo(modelNamed('classifier-large').heldOutAccuracy, 2);
  });
});
