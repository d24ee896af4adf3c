import { describe, expect, it } from 'vitest';
import { createMlp } from './create-mlp.js';
import { createRandom } from './create-random.js';
import { generateDataset, splitDataset } from './generate-dataset.js';
import { measureAccuracy } from './run-mlp.js';
import { trainMlp } from './train-mlp.js';

const options = { seed: 11, rowCount: 900, turns: 1.5, noise: 0.08 };

describe('generateDataset', () => {
  it('draws the same rows for the same seed and different rows for another', () => {
    const first = generateDataset(options);
    expect(generateDataset(options)).toEqual(first);
    expect(generateDataset({ ...options, seed: 12 }).features).not.toEqual(first.features);
  });

  it('balances the three classes', () => {
    const { labels } = generateDataset(options);
    const counts = [0, 1, 2].map((label) => labels.filter((value) => value === label).length);
    expect(counts).toEqual([300, 300, 300]);
  });

  it('defeats a linear classifier, so model capacity shows in accuracy', () => {
    const { train, heldOut } = splitDataset(generateDataset(options), 0.75);
    const random = createRandom(1);
    const linear = createMlp([4, 3], random);
    trainMlp(linear, train, { epochs: 50, batchSize: 16, learningRate: 0.1, random });
    expect(measureAccuracy(linear, heldOut)).toBeLessThan(0.6);
  });
});
