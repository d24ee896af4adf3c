import { create } from '@bufbuild/protobuf';
import { ModelInferRequestSchema } from '@switchboard/protocol';
import { featurisePrompt } from '@switchboard/routing-policy';
import { describe, expect, it } from 'vitest';
import { readPrompt } from './read-prompt.js';

const encoder = new TextEncoder();
const settings = { hashBits: 12, maxPromptChars: 64 };

function typedRequest(...texts: string[]) {
  return create(ModelInferRequestSchema, {
    inputs: [
      { name: 'features', datatype: 'FP32', shape: [1n, 1n], contents: { fp32Contents: [1] } },
      {
        name: 'text',
        datatype: 'BYTES',
        shape: [BigInt(texts.length)],
        contents: { bytesContents: texts.map((text) => encoder.encode(text)) },
      },
    ],
  });
}

function rawRequest(...texts: string[]) {
  const elements = texts.map((text) => encoder.encode(text));
  const raw = new Uint8Array(elements.reduce((sum, element) => sum + 4 + element.byteLength, 0));
  const view = new DataView(raw.buffer);
  let offset = 0;
  for (const element of elements) {
    view.setUint32(offset, element.byteLength, true);
    raw.set(element, offset + 4);
    offset += 4 + element.byteLength;
  }
  return create(ModelInferRequestSchema, {
    inputs: [{ name: 'text', datatype: 'BYTES', shape: [BigInt(texts.length)] }],
    rawInputContents: [raw],
  });
}

/** A long prompt with multi-byte characters (2, 3 and 4 bytes) throughout, so slices cut inside them. */
function longPrompt(words: number): string {
  const vocabulary = ['naïve', 'café', 'straße', '日本語', 'emoji😀s', 'plain', 'words', 'Ünïcödé'];
  return Array.from({ length: words }, (_, index) => vocabulary[(index * 7) % vocabulary.length]).join(' ');
}

describe('readPrompt', () => {
  it('reads the first element of the first BYTES input, typed or raw', () => {
    expect(readPrompt(typedRequest('first prompt', 'second'), 64)).toEqual({
      text: 'first prompt',
      length: 12,
    });
    expect(readPrompt(rawRequest('first prompt', 'second'), 64)).toEqual({
      text: 'first prompt',
      length: 12,
    });
  });

  it('gives the features featurisePrompt gives the whole decoded prompt, for long and short prompts', () => {
    for (const words of [3, 40, 500, 5_000]) {
      const prompt = longPrompt(words);
      for (const request of [typedRequest(prompt), rawRequest(prompt)]) {
        const { text, length } = readPrompt(request, settings.maxPromptChars);
        expect(length).toBe(prompt.length);
        expect(featurisePrompt(text, settings, length)).toEqual(featurisePrompt(prompt, settings));
      }
    }
  });

  it('decodes no more than the head and tail of a long prompt', () => {
    const prompt = longPrompt(5_000);
    const { text } = readPrompt(typedRequest(prompt), settings.maxPromptChars);
    expect(text).toBe(`${prompt.slice(0, 32)} ${prompt.slice(prompt.length - 32)}`);
  });

  it('reads the empty prompt from a request without text or with a malformed raw element', () => {
    const noText = create(ModelInferRequestSchema, {
      inputs: [{ name: 'features', datatype: 'FP32', shape: [1n, 4n] }],
    });
    expect(readPrompt(noText, 64)).toEqual({ text: '', length: 0 });
    const truncated = create(ModelInferRequestSchema, {
      inputs: [{ name: 'text', datatype: 'BYTES', shape: [1n] }],
      rawInputContents: [new Uint8Array([200, 0, 0, 0, 65])],
    });
    expect(readPrompt(truncated, 64)).toEqual({ text: '', length: 0 });
  });
});
