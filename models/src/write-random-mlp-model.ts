import { writeFile } from 'node:fs/promises';
import { countMultiplyAccumulates, countParameters, createMlp } from './generator/create-mlp.js';
import { createRandom } from './generator/create-random.js';
import { toOnnxModel } from './generator/to-onnx-model.js';

/** Options of {@link writeRandomMlpModel}. */
export interface RandomMlpModelOptions {
  /** Widths from input to output, e.g. `[1024, 4096, 4096, 1000]`; at least two. */
  readonly layerSizes: readonly number[];
  /** Seed of the weights: the same seed writes the same bytes. @default 1 */
  readonly seed?: number;
  /** @default 'features' */
  readonly inputName?: string;
  /** @default 'probabilities' */
  readonly outputName?: string;
}

/** What {@link writeRandomMlpModel} wrote. */
export interface RandomMlpModel {
  readonly path: string;
  readonly inputName: string;
  readonly outputName: string;
  /** Width of the FP32 input `[batch, inputSize]`. */
  readonly inputSize: number;
  /** Width of the FP32 output `[batch, outputSize]`. */
  readonly outputSize: number;
  readonly parameterCount: number;
  readonly multiplyAccumulatesPerRow: number;
  readonly sizeBytes: number;
}

const DEFAULT_SEED = 1;

/**
 * Writes an untrained MLP as an .onnx file: He-initialised random weights, ReLU between layers,
 * softmax at the end (the generator's classifier layout), FP32 input and output with a symbolic
 * batch dimension. Its answers mean nothing; it exists so a benchmark can run a model whose
 * execution, not the request path, dominates a request's cost. Weights take 4 bytes each on disk.
 * @throws RangeError when fewer than two layer sizes are given or one is not a whole number >= 1.
 * @throws Error (from the file system) when the file cannot be written.
 */
export async function writeRandomMlpModel(
  path: string,
  options: RandomMlpModelOptions,
): Promise<RandomMlpModel> {
  const { layerSizes } = options;
  if (layerSizes.length < 2 || !layerSizes.every((size) => Number.isInteger(size) && size >= 1)) {
    throw new RangeError(
      `layerSizes must be at least two whole numbers >= 1, got [${layerSizes.join(', ')}]`,
    );
  }
  const inputName = options.inputName ?? 'features';
  const outputName = options.outputName ?? 'probabilities';
  const mlp = createMlp(layerSizes, createRandom(options.seed ?? DEFAULT_SEED));
  const bytes = toOnnxModel(mlp, {
    graphName: 'random-mlp',
    docString: `untrained MLP ${layerSizes.join('-')}, random weights`,
    inputName,
    outputName,
  });
  await writeFile(path, bytes);
  return {
    path,
    inputName,
    outputName,
    inputSize: layerSizes[0] ?? 0,
    outputSize: layerSizes.at(-1) ?? 0,
    parameterCount: countParameters(mlp),
    multiplyAccumulatesPerRow: countMultiplyAccumulates(mlp),
    sizeBytes: bytes.byteLength,
  };
}
