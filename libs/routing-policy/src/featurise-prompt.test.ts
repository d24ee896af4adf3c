import { describe, expect, it } from 'vitest';
import { DEFAULT_FEATURE_SETTINGS, featurisePrompt } from './featurise-prompt.js';

const settings = { hashBits: 12, maxPromptChars: 64 };

describe('featurisePrompt', () => {
  it('gives the same features for the same words whatever their case and punctuation', () => {
    expect([...featurisePrompt('Hello, World!', settings)]).toEqual([
      ...featurisePrompt('hello world', settings),
    ]);
  });

  it('tells word order apart through bigrams', () => {
    const forward = [...featurisePrompt('dog bites man', settings)].sort();
    const backward = [...featurisePrompt('man bites dog', settings)].sort();
    expect(forward).not.toEqual(backward);
  });

  it('keeps every index inside the hashed space', () => {
    const indices = featurisePrompt('a quick brown fox jumps over the lazy dog 123 ünïcödé', settings);
    expect(Math.max(...indices)).toBeLessThan(1 << settings.hashBits);
  });

  it('reads only the head and the tail of a long prompt', () => {
    const middle = 'filler '.repeat(1_000);
    const withQuestion = featurisePrompt(`intro ${middle} final question`, settings);
    const withOtherMiddle = featurisePrompt(`intro ${'padding '.repeat(1_000)} final question`, settings);
    expect(withQuestion.length).toBeLessThanOrEqual(settings.maxPromptChars + 2);
    // The tail (the question) survives the clipping: it shares features with the same tail.
    const tail = new Set(featurisePrompt('final question', settings));
    expect([...withQuestion].filter((index) => tail.has(index)).length).toBeGreaterThanOrEqual(2);
    expect(withOtherMiddle.length).toBeGreaterThan(0);
  });

  it('lists each feature once however often the prompt repeats it', () => {
    const indices = featurisePrompt('spam spam spam spam eggs', settings);
    expect(new Set(indices).size).toBe(indices.length);
    expect([...featurisePrompt('spam spam spam spam eggs', settings)]).toEqual([...indices]);
  });

  it('gives an empty prompt only its length feature', () => {
    expect(featurisePrompt('', DEFAULT_FEATURE_SETTINGS)).toHaveLength(1);
  });
});
