import { describe, expect, it } from 'vitest';
import { DATATYPES, datatypeByteSize, isDatatype } from './datatype.js';

describe('isDatatype', () => {
  it('accepts every protocol datatype and nothing else', () => {
    expect(DATATYPES.every(isDatatype)).toBe(true);
    expect(DATATYPES).toHaveLength(14);
    expect(isDatatype('FLOAT32')).toBe(false);
    expect(isDatatype('fp32')).toBe(false);
    expect(isDatatype('toString')).toBe(false);
  });
});

describe('datatypeByteSize', () => {
  it('gives the raw element size of fixed-size datatypes', () => {
    expect(datatypeByteSize('BOOL')).toBe(1);
    expect(datatypeByteSize('BF16')).toBe(2);
    expect(datatypeByteSize('UINT32')).toBe(4);
    expect(datatypeByteSize('INT64')).toBe(8);
  });

  it('has no size for BYTES, whose elements vary in length', () => {
    expect(datatypeByteSize('BYTES')).toBeUndefined();
  });
});
