import type { Random } from './create-random.js';

/** One fully connected layer: `output = input × weights + biases`. */
export interface DenseLayer {
  readonly inputSize: number;
  readonly outputSize: number;
  /** Row-major [inputSize, outputSize], the layout ONNX MatMul expects for its second operand. */
  readonly weights: Float64Array;
  readonly biases: Float64Array;
}

/** A multilayer perceptron with ReLU between layers and softmax after the last. */
export interface Mlp {
  readonly layers: readonly DenseLayer[];
}

/**
 * Creates an MLP with the given layer widths (e.g. [4, 8, 3]), He-initialised weights (suited to
 * ReLU: keeps activations' variance steady through depth) and zero biases.
 */
export function createMlp(layerSizes: readonly number[], random: Random): Mlp {
  const layers: DenseLayer[] = [];
  for (let index = 0; index + 1 < layerSizes.length; index++) {
    const inputSize = layerSizes[index] ?? 0;
    const outputSize = layerSizes[index + 1] ?? 0;
    const deviation = Math.sqrt(2 / inputSize);
    const weights = Float64Array.from({ length: inputSize * outputSize }, () => random.normal() * deviation);
    layers.push({ inputSize, outputSize, weights, biases: new Float64Array(outputSize) });
  }
  return { layers };
}

/** The number of trainable values (weights and biases) in the MLP. */
export function countParameters(mlp: Mlp): number {
  return mlp.layers.reduce((sum, layer) => sum + layer.weights.length + layer.biases.length, 0);
}

/** Multiply-accumulate operations for one input row, a proxy for compute cost. */
export function countMultiplyAccumulates(mlp: Mlp): number {
  return mlp.layers.reduce((sum, layer) => sum + layer.weights.length, 0);
}

/** Rounds every parameter to float32 in place, so evaluation sees exactly what the .onnx file holds. */
export function roundToFloat32(mlp: Mlp): void {
  for (const layer of mlp.layers) {
    layer.weights.set(new Float32Array(layer.weights));
    layer.biases.set(new Float32Array(layer.biases));
  }
}
