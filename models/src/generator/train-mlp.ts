import type { DenseLayer, Mlp } from './create-mlp.js';
import type { Random } from './create-random.js';
import type { Dataset } from './generate-dataset.js';
import { createActivations, runMlp } from './run-mlp.js';
import type { Activations } from './run-mlp.js';

/** How {@link trainMlp} runs mini-batch gradient descent. */
export interface TrainingOptions {
  epochs: number;
  batchSize: number;
  /** Step size at the first epoch; it decays linearly to a tenth of this by the last. */
  learningRate: number;
  /** Shuffles rows each epoch; seeded so training is reproducible. */
  random: Random;
}

interface Gradients {
  weights: Float64Array[];
  biases: Float64Array[];
  /** Per layer, d(loss)/d(layer output) for the current row. */
  deltas: Float64Array[];
}

/**
 * Trains the MLP in place with plain mini-batch gradient descent on softmax cross-entropy loss.
 * Deterministic for a given MLP, dataset and seed.
 */
export function trainMlp(mlp: Mlp, dataset: Dataset, options: TrainingOptions): void {
  const activations = createActivations(mlp);
  const gradients: Gradients = {
    weights: mlp.layers.map((layer) => new Float64Array(layer.weights.length)),
    biases: mlp.layers.map((layer) => new Float64Array(layer.outputSize)),
    deltas: mlp.layers.map((layer) => new Float64Array(layer.outputSize)),
  };
  const order = Int32Array.from({ length: dataset.rowCount }, (_, index) => index);
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    shuffle(order, options.random);
    const learningRate = options.learningRate * (1 - (0.9 * epoch) / options.epochs);
    for (let start = 0; start < dataset.rowCount; start += options.batchSize) {
      const batch = order.subarray(start, start + options.batchSize);
      gradients.weights.forEach((gradient) => gradient.fill(0));
      gradients.biases.forEach((gradient) => gradient.fill(0));
      for (const row of batch) accumulateGradients(mlp, dataset, row, activations, gradients);
      applyGradients(mlp, gradients, learningRate / batch.length);
    }
  }
}

/** Adds one row's loss gradient to `gradients` by backpropagation. */
function accumulateGradients(
  mlp: Mlp,
  dataset: Dataset,
  row: number,
  activations: Activations,
  gradients: Gradients,
): void {
  const start = row * dataset.featureCount;
  activations[0]?.set(dataset.features.subarray(start, start + dataset.featureCount));
  const probabilities = runMlp(mlp, activations);
  const last = gradients.deltas[mlp.layers.length - 1] as Float64Array;
  // For softmax followed by cross-entropy, d(loss)/d(logit) is probability minus one-hot label.
  probabilities.forEach((probability, column) => {
    last[column] = probability - (column === dataset.labels[row] ? 1 : 0);
  });
  for (let index = mlp.layers.length - 1; index >= 0; index--) {
    const layer = mlp.layers[index] as DenseLayer;
    const input = activations[index] as Float64Array;
    const delta = gradients.deltas[index] as Float64Array;
    addOuterProduct(gradients.weights[index] as Float64Array, input, delta);
    const biasGradient = gradients.biases[index] as Float64Array;
    delta.forEach((value, column) => (biasGradient[column] = (biasGradient[column] ?? 0) + value));
    if (index > 0) backpropagate(layer, input, delta, gradients.deltas[index - 1] as Float64Array);
  }
}

/** gradient += inputᵀ × delta, the weight gradient of one row. */
function addOuterProduct(gradient: Float64Array, input: Float64Array, delta: Float64Array): void {
  const width = delta.length;
  for (let row = 0; row < input.length; row++) {
    const value = input[row] ?? 0;
    if (value === 0) continue;
    const offset = row * width;
    for (let column = 0; column < width; column++) {
      gradient[offset + column] = (gradient[offset + column] ?? 0) + value * (delta[column] ?? 0);
    }
  }
}

/** Computes the previous layer's delta through this layer's weights and the ReLU before it. */
function backpropagate(
  layer: DenseLayer,
  input: Float64Array,
  delta: Float64Array,
  previous: Float64Array,
): void {
  for (let row = 0; row < layer.inputSize; row++) {
    // ReLU's derivative is zero where its output (this layer's input) was zero.
    if ((input[row] ?? 0) <= 0) {
      previous[row] = 0;
      continue;
    }
    const offset = row * layer.outputSize;
    let sum = 0;
    for (let column = 0; column < layer.outputSize; column++) {
      sum += (layer.weights[offset + column] ?? 0) * (delta[column] ?? 0);
    }
    previous[row] = sum;
  }
}

function applyGradients(mlp: Mlp, gradients: Gradients, scale: number): void {
  mlp.layers.forEach((layer, index) => {
    const weightGradient = gradients.weights[index] as Float64Array;
    const biasGradient = gradients.biases[index] as Float64Array;
    layer.weights.forEach((value, position) => {
      layer.weights[position] = value - scale * (weightGradient[position] ?? 0);
    });
    layer.biases.forEach((value, position) => {
      layer.biases[position] = value - scale * (biasGradient[position] ?? 0);
    });
  });
}

/** Fisher-Yates shuffle in place. */
function shuffle(values: Int32Array, random: Random): void {
  for (let index = values.length - 1; index > 0; index--) {
    const other = random.integer(index + 1);
    const value = values[index] ?? 0;
    values[index] = values[other] ?? 0;
    values[other] = value;
  }
}
