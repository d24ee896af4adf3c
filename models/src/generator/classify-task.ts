import type { TensorDescription } from '../read-model-manifest.js';
import { generateDataset, splitDataset } from './generate-dataset.js';
import type { Dataset, DatasetOptions } from './generate-dataset.js';

/** Name of the task both classifiers serve. */
export const classifyTask = 'classify';

/** The single input: a batch of 4-feature rows. */
export const classifyInput: TensorDescription = { name: 'features', datatype: 'FP32', shape: [-1, 4] };

/** The single output: per row, a probability for each of the 3 classes. */
export const classifyOutput: TensorDescription = { name: 'probabilities', datatype: 'FP32', shape: [-1, 3] };

/**
 * 1.5 turns per arm with this little noise leaves room for near-perfect accuracy, while an 8-unit
 * hidden layer cannot bend enough to follow the arms (measured: ~0.79 versus ~0.97 held out).
 */
export const classifyDatasetOptions: DatasetOptions = {
  seed: 20_240_601,
  rowCount: 2400,
  turns: 1.5,
  noise: 0.08,
};

/** Share of rows used for training; the rest are held out to measure accuracy. */
const TRAIN_FRACTION = 0.75;

/** The deterministic train and held-out splits of the classify data set. */
export function createClassifySplit(): { train: Dataset; heldOut: Dataset } {
  return splitDataset(generateDataset(classifyDatasetOptions), TRAIN_FRACTION);
}
