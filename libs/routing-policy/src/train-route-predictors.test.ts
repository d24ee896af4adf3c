import { describe, expect, it } from 'vitest';
import { featurisePrompt } from './featurise-prompt.js';
import {
  expectedQuality,
  predictLogit,
  updateQualityPredictor,
  createQualityPredictor,
} from './quality-predictor.js';
import { trainRoutePredictors } from './train-route-predictors.js';
import type { RouteExample } from './train-route-predictors.js';

const settings = { hashBits: 14, maxPromptChars: 2048 };

/** A seeded uniform source (a linear congruential generator): training shuffles reproducibly. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return state / 2 ** 32;
  };
}

const MATHS = ['add', 'sum', 'multiply', 'divide', 'subtract'];
const POETRY = ['rhyme', 'verse', 'sonnet', 'stanza', 'metre'];

/** Maths prompts: the coder answers them, the poet does not; poetry the other way round. */
function examples(count: number): RouteExample[] {
  const random = seeded(7);
  const result: RouteExample[] = [];
  for (let position = 0; position < count; position += 1) {
    const maths = position % 2 === 0;
    const words = maths ? MATHS : POETRY;
    const prompt = `please ${words[Math.floor(random() * words.length)]} this ${position}`;
    const indices = featurisePrompt(prompt, settings);
    result.push({ model: 'coder', indices, quality: maths ? 1 : 0 });
    result.push({ model: 'poet', indices, quality: maths ? 0 : 1 });
  }
  return result;
}

describe('trainRoutePredictors', () => {
  it('learns which model answers which kind of prompt well', () => {
    const predictors = trainRoutePredictors(['coder', 'poet'], settings.hashBits, examples(200), {
      random: seeded(1),
    });
    const mathsPrompt = featurisePrompt('please multiply this quickly', settings);
    const coder = expectedQuality(predictLogit(predictors.get('coder')!, mathsPrompt));
    const poet = expectedQuality(predictLogit(predictors.get('poet')!, mathsPrompt));
    expect(coder).toBeGreaterThan(0.6);
    expect(poet).toBeLessThan(0.4);
    expect(coder - poet).toBeGreaterThan(0.3);
  });

  it('is less sure about prompts unlike anything it was trained on', () => {
    const predictors = trainRoutePredictors(['coder', 'poet'], settings.hashBits, examples(200), {
      random: seeded(1),
    });
    const coder = predictors.get('coder')!;
    const seen = predictLogit(coder, featurisePrompt('please add this', settings));
    const unseen = predictLogit(coder, featurisePrompt('zebra quantum saxophone', settings));
    expect(unseen.variance).toBeGreaterThan(seen.variance);
  });

  it('lets a model with few outcomes inherit what the other models share about hard prompts', () => {
    const random = seeded(3);
    const result: RouteExample[] = [];
    for (let position = 0; position < 300; position += 1) {
      const hard = position % 2 === 0;
      const indices = featurisePrompt(
        `${hard ? 'integrate prove derive' : 'add count list'} item ${position}`,
        settings,
      );
      for (const model of ['first', 'second', 'third']) {
        result.push({ model, indices, quality: hard ? (random() < 0.1 ? 1 : 0) : random() < 0.9 ? 1 : 0 });
      }
      // The rare model was only ever tried on a few easy prompts.
      if (!hard && position < 10) result.push({ model: 'rare', indices, quality: 1 });
    }
    const predictors = trainRoutePredictors(['first', 'second', 'third', 'rare'], settings.hashBits, result, {
      random: seeded(1),
    });
    const rare = predictors.get('rare')!;
    const onHard = expectedQuality(
      predictLogit(rare, featurisePrompt('integrate prove derive item x', settings)),
    );
    const onEasy = expectedQuality(predictLogit(rare, featurisePrompt('add count list item x', settings)));
    expect(onEasy - onHard).toBeGreaterThan(0.2);
  });
});

describe('updateQualityPredictor', () => {
  it('moves the prediction toward each observed outcome and grows more certain', () => {
    const predictor = createQualityPredictor('model', settings.hashBits);
    const indices = featurisePrompt('translate this sentence', settings);
    const before = predictLogit(predictor, indices);
    for (let round = 0; round < 20; round += 1) updateQualityPredictor(predictor, indices, 1);
    const after = predictLogit(predictor, indices);
    expect(expectedQuality(after)).toBeGreaterThan(0.8);
    expect(after.variance).toBeLessThan(before.variance);
    expect(predictor.observations).toBe(20);
  });
});
