import { create } from '@bufbuild/protobuf';
import { ModelInferRequestSchema } from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';
import { countInputUnits } from './input-units.js';
import { paddingWaste } from './batch-recorder.js';

const encoder = new TextEncoder();

/** A raw BYTES tensor's contents: each element prefixed with its 4-byte little-endian length. */
function rawBytes(elements: string[]): Uint8Array {
  const parts = elements.map((element) => encoder.encode(element));
  const out = new Uint8Array(parts.reduce((sum, part) => sum + 4 + part.byteLength, 0));
  const view = new DataView(out.buffer);
  let offset = 0;
  for (const part of parts) {
    view.setUint32(offset, part.byteLength, true);
    out.set(part, offset + 4);
    offset += 4 + part.byteLength;
  }
  return out;
}

describe('countInputUnits', () => {
  it('counts the elements of numeric inputs: an image is its pixels times channels', () => {
    const request = create(ModelInferRequestSchema, {
      inputs: [
        { name: 'pixels', datatype: 'UINT8', shape: [2n, 3n, 32n, 32n] },
        { name: 'scale', datatype: 'FP32', shape: [2n, 1n] },
      ],
    });
    expect(countInputUnits(request)).toBe(2 * 3 * 32 * 32 + 2);
  });

  it('counts about one unit per 4 bytes of text, raw or typed, without the length prefixes', () => {
    const text = 'x'.repeat(400);
    const raw = create(ModelInferRequestSchema, {
      inputs: [{ name: 'prompt', datatype: 'BYTES', shape: [1n] }],
      rawInputContents: [rawBytes([text])],
    });
    const typed = create(ModelInferRequestSchema, {
      inputs: [
        {
          name: 'prompt',
          datatype: 'BYTES',
          shape: [1n],
          contents: { bytesContents: [encoder.encode(text)] },
        },
      ],
    });
    expect(countInputUnits(raw)).toBe(100);
    expect(countInputUnits(typed)).toBe(100);
  });

  it('counts an empty request as one unit, so every job costs something', () => {
    expect(countInputUnits(create(ModelInferRequestSchema))).toBe(1);
  });
});

describe('paddingWaste', () => {
  it('is 0 for jobs of equal size and grows as one long job pads short ones', () => {
    expect(paddingWaste([8, 8, 8])).toBe(0);
    expect(paddingWaste([24, 8])).toBeCloseTo(1 / 3);
    expect(paddingWaste([100, 1, 1, 1])).toBeCloseTo(1 - 103 / 400);
    expect(paddingWaste([])).toBe(0);
  });
});
