import { InvalidArgumentError } from '@switchboard/errors';
import { describe, expect, it } from 'vitest';
import { SAMPLE_TENSORS } from './__fixtures__/tensors.js';
import { encodeInputs } from './encode-inputs.js';

describe('encodeInputs', () => {
  it('puts typed values in the contents field of their datatype and leaves raw contents empty', () => {
    const { inputs, rawInputContents } = encodeInputs([SAMPLE_TENSORS.INT8, SAMPLE_TENSORS.UINT64], 'typed');
    expect(rawInputContents).toEqual([]);
    expect(inputs[0]).toMatchObject({ name: 'int8', datatype: 'INT8', shape: [2n, 2n] });
    expect(inputs[0]?.contents?.intContents).toEqual([-128, -1, 0, 127]);
    expect(inputs[1]?.contents?.uint64Contents).toEqual([0n, 1n, 2n ** 53n + 1n, 2n ** 64n - 1n]);
  });

  it('sends BOOL as booleans when typed', () => {
    const { inputs } = encodeInputs([SAMPLE_TENSORS.BOOL], 'typed');
    expect(inputs[0]?.contents?.boolContents).toEqual([true, false, false, true]);
  });

  it('puts raw elements in raw_input_contents, one entry per input, and no typed contents', () => {
    const { inputs, rawInputContents } = encodeInputs([SAMPLE_TENSORS.UINT16, SAMPLE_TENSORS.BOOL], 'raw');
    expect(inputs.map((input) => input.contents)).toEqual([undefined, undefined]);
    expect(rawInputContents).toEqual([
      new Uint8Array([0, 0, 1, 0, 0, 1, 0xff, 0xff]),
      new Uint8Array([1, 0, 0, 1]),
    ]);
  });

  it('refuses FP16 as typed contents because the protocol has no field for it', () => {
    const encode = () => encodeInputs([SAMPLE_TENSORS.FP16], 'typed');
    expect(encode).toThrow(InvalidArgumentError);
    expect(encode).toThrow('tensor "fp16" is FP16, which has no typed contents field; encode it raw');
  });

  it('refuses a tensor whose shape has a negative dimension', () => {
    const tensor = { name: 'x', datatype: 'FP32' as const, shape: [-1], data: new Float32Array(0) };
    expect(() => encodeInputs([tensor], 'raw')).toThrow(
      'tensor "x" has shape [-1]; dimensions must be integers ≥ 0',
    );
  });
});
