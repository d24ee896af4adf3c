import { InvalidArgumentError } from '@switchboard/errors';
import { describe, expect, it } from 'vitest';
import { elementCount, shapeFromProto } from './shape.js';

describe('elementCount', () => {
  it('multiplies the dimensions, counting a scalar as one element', () => {
    expect(elementCount([2, 3, 4])).toBe(24);
    expect(elementCount([])).toBe(1);
    expect(elementCount([5, 0])).toBe(0);
  });
});

describe('shapeFromProto', () => {
  it('converts int64 dimensions to numbers', () => {
    expect(shapeFromProto([1n, 224n], 'input "x"')).toEqual([1, 224]);
  });

  it('rejects a dimension beyond the safe integer range', () => {
    expect(() => shapeFromProto([2n ** 53n], 'input "x"')).toThrow(InvalidArgumentError);
  });
});
