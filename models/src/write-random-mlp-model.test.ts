import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readOnnxGraph } from './read-onnx-graph.js';
import { writeRandomMlpModel } from './write-random-mlp-model.js';

let directory: string;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'random-mlp-'));
});

afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('writeRandomMlpModel', () => {
  it('writes a model onnxruntime runs on a batch, answering one distribution per row', async () => {
    const model = await writeRandomMlpModel(join(directory, 'mlp.onnx'), { layerSizes: [6, 16, 16, 5] });
    const session = await ort.InferenceSession.create(model.path, { intraOpNumThreads: 1 });
    try {
      const rows = 3;
      const features = Float32Array.from({ length: rows * 6 }, (_, index) => Math.sin(index));
      const result = await session.run({ features: new ort.Tensor('float32', features, [rows, 6]) });
      const output = result['probabilities'];
      expect(output?.dims).toEqual([rows, 5]);
      const data = output?.data as Float32Array;
      for (let row = 0; row < rows; row++) {
        const sum = data.subarray(row * 5, row * 5 + 5).reduce((total, value) => total + value, 0);
        expect(sum).toBeCloseTo(1, 5);
      }
    } finally {
      await session.release();
    }
  });

  it('describes what it wrote: shapes, parameters, work per row and the file size', async () => {
    const model = await writeRandomMlpModel(join(directory, 'mlp.onnx'), { layerSizes: [4, 8, 3] });
    expect(model).toMatchObject({
      inputName: 'features',
      outputName: 'probabilities',
      inputSize: 4,
      outputSize: 3,
    });
    expect(model.parameterCount).toBe(4 * 8 + 8 + 8 * 3 + 3);
    expect(model.multiplyAccumulatesPerRow).toBe(4 * 8 + 8 * 3);
    expect(model.sizeBytes).toBe((await stat(model.path)).size);
    const graph = readOnnxGraph(model.path);
    expect(graph.inputs).toEqual([{ name: 'features', shape: ['batch', 4] }]);
    expect(graph.outputs).toEqual([{ name: 'probabilities', shape: ['batch', 3] }]);
    expect(graph.nodes.map((node) => node.opType)).toEqual([
      'MatMul',
      'Add',
      'Relu',
      'MatMul',
      'Add',
      'Softmax',
    ]);
  });

  it('writes the same bytes for the same seed and other weights for another', async () => {
    const write = (name: string, seed: number) =>
      writeRandomMlpModel(join(directory, name), { layerSizes: [4, 8, 3], seed });
    const [first, again, other] = await Promise.all([
      write('a.onnx', 7),
      write('b.onnx', 7),
      write('c.onnx', 8),
    ]);
    const [firstBytes, againBytes, otherBytes] = await Promise.all(
      [first, again, other].map((model) => readFile(model.path)),
    );
    expect(againBytes?.equals(firstBytes ?? Buffer.alloc(0))).toBe(true);
    expect(otherBytes?.equals(firstBytes ?? Buffer.alloc(0))).toBe(false);
  });

  it('refuses fewer than two layer sizes and sizes that are not whole numbers >= 1', async () => {
    const path = join(directory, 'never.onnx');
    await expect(writeRandomMlpModel(path, { layerSizes: [4] })).rejects.toThrow(RangeError);
    await expect(writeRandomMlpModel(path, { layerSizes: [4, 0] })).rejects.toThrow(/whole numbers >= 1/);
    await expect(writeRandomMlpModel(path, { layerSizes: [4, 2.5] })).rejects.toThrow(RangeError);
  });
});
