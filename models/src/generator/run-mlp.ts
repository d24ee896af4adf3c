import type { Mlp } from './create-mlp.js';
import type { Dataset } from './generate-dataset.js';

/** Per-layer outputs of one forward pass: index 0 is the input row, the last the probabilities. */
export type Activations = Float64Array[];

/** Allocates the buffers {@link runMlp} fills, so a training loop does not allocate per row. */
export function createActivations(mlp: Mlp): Activations {
  const first = mlp.layers[0]?.inputSize ?? 0;
  return [new Float64Array(first), ...mlp.layers.map((layer) => new Float64Array(layer.outputSize))];
}

/**
 * Runs one row through the MLP. Copy the row into `activations[0]` first; every later entry is
 * overwritten, and the last one (the class probabilities) is returned.
 */
export function runMlp(mlp: Mlp, activations: Activations): Float64Array {
  mlp.layers.forEach((layer, index) => {
    const input = activations[index] as Float64Array;
    const output = activations[index + 1] as Float64Array;
    output.set(layer.biases);
    for (let row = 0; row < layer.inputSize; row++) {
      const value = input[row] ?? 0;
      // After ReLU about half the inputs are zero; skipping them halves the work.
      if (value === 0) continue;
      const offset = row * layer.outputSize;
      for (let column = 0; column < layer.outputSize; column++) {
        output[column] = (output[column] ?? 0) + value * (layer.weights[offset + column] ?? 0);
      }
    }
    if (index + 1 < mlp.layers.length) output.forEach((item, column) => (output[column] = Math.max(0, item)));
  });
  const logits = activations[activations.length - 1] as Float64Array;
  softmaxInPlace(logits);
  return logits;
}

/** The fraction of rows whose highest-probability class equals the label. */
export function measureAccuracy(mlp: Mlp, dataset: Dataset): number {
  const activations = createActivations(mlp);
  let correct = 0;
  for (let row = 0; row < dataset.rowCount; row++) {
    const start = row * dataset.featureCount;
    activations[0]?.set(dataset.features.subarray(start, start + dataset.featureCount));
    const probabilities = runMlp(mlp, activations);
    if (argmax(probabilities) === dataset.labels[row]) correct++;
  }
  return correct / dataset.rowCount;
}

function softmaxInPlace(values: Float64Array): void {
  // Subtracting the maximum keeps exp() from overflowing; the result is unchanged.
  const maximum = Math.max(...values);
  let sum = 0;
  values.forEach((value, index) => {
    const exponential = Math.exp(value - maximum);
    values[index] = exponential;
    sum += exponential;
  });
  values.forEach((value, index) => (values[index] = value / sum));
}

function argmax(values: Float64Array): number {
  let best = 0;
  values.forEach((value, index) => {
    if (value > (values[best] ?? -Infinity)) best = index;
  });
  return best;
}
