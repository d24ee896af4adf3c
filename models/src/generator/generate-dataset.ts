import { createRandom } from './create-random.js';
import type { Random } from './create-random.js';

/** Labelled rows for the classify task: `featureCount` values per row, row-major. */
export interface Dataset {
  readonly features: Float64Array;
  readonly labels: Int32Array;
  readonly rowCount: number;
  readonly featureCount: number;
  readonly classCount: number;
}

/** How to draw the interleaved-spirals dataset. */
export interface DatasetOptions {
  seed: number;
  rowCount: number;
  /** How many full turns each spiral arm makes; more turns are harder to separate. */
  turns: number;
  /** Standard deviation of the noise added to the 2-D spiral point. */
  noise: number;
}

const FEATURE_COUNT = 4;
const CLASS_COUNT = 3;
const OUTER_RADIUS = 2;
/** Spread of the two features that carry no class information. */
const NUISANCE_DEVIATION = 0.5;

/**
 * Draws three interleaved spirals in 2-D (one arm per class, so no straight line separates them),
 * adds two pure-noise features, and rotates all four by a seeded random orthogonal matrix so every
 * feature mixes signal and noise. Rows cycle through the classes, so classes are balanced.
 */
export function generateDataset(options: DatasetOptions): Dataset {
  const random = createRandom(options.seed);
  const rotation = createRotation(random, FEATURE_COUNT);
  const features = new Float64Array(options.rowCount * FEATURE_COUNT);
  const labels = new Int32Array(options.rowCount);
  for (let row = 0; row < options.rowCount; row++) {
    const label = row % CLASS_COUNT;
    // The square root spreads points evenly over the disc rather than bunching them at the centre.
    const along = Math.sqrt(random.uniform());
    const angle = (label * 2 * Math.PI) / CLASS_COUNT + along * options.turns * 2 * Math.PI;
    const radius = along * OUTER_RADIUS;
    const point = [
      radius * Math.cos(angle) + options.noise * random.normal(),
      radius * Math.sin(angle) + options.noise * random.normal(),
      NUISANCE_DEVIATION * random.normal(),
      NUISANCE_DEVIATION * random.normal(),
    ];
    features.set(multiply(rotation, point), row * FEATURE_COUNT);
    labels[row] = label;
  }
  return {
    features,
    labels,
    rowCount: options.rowCount,
    featureCount: FEATURE_COUNT,
    classCount: CLASS_COUNT,
  };
}

/** Splits off the first `trainFraction` of the rows for training and keeps the rest held out. */
export function splitDataset(dataset: Dataset, trainFraction: number): { train: Dataset; heldOut: Dataset } {
  const trainRows = Math.floor(dataset.rowCount * trainFraction);
  const slice = (start: number, end: number): Dataset => ({
    ...dataset,
    features: dataset.features.slice(start * dataset.featureCount, end * dataset.featureCount),
    labels: dataset.labels.slice(start, end),
    rowCount: end - start,
  });
  return { train: slice(0, trainRows), heldOut: slice(trainRows, dataset.rowCount) };
}

/** A random orthogonal matrix (rows of Gram-Schmidt-orthonormalised Gaussian vectors), row-major. */
function createRotation(random: Random, size: number): number[][] {
  const rows: number[][] = [];
  for (let index = 0; index < size; index++) {
    const row = Array.from({ length: size }, () => random.normal());
    for (const previous of rows) {
      const projection = dot(row, previous);
      previous.forEach((value, column) => (row[column] = (row[column] ?? 0) - projection * value));
    }
    const length = Math.sqrt(dot(row, row));
    rows.push(row.map((value) => value / length));
  }
  return rows;
}

function multiply(matrix: number[][], vector: number[]): number[] {
  return matrix.map((row) => dot(row, vector));
}

function dot(left: number[], right: number[]): number {
  return left.reduce((sum, value, index) => sum + value * (right[index] ?? 0), 0);
}
