import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { ExecutionError } from '@switchboard/errors';
import { ModelInferResponseSchema } from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';
import { SAMPLE_TENSORS } from './__fixtures__/tensors.js';
import { DATATYPES } from './datatype.js';
import { decodeOutputs } from './decode-outputs.js';
import { encodeOutputs } from './encode-outputs.js';

describe('encodeOutputs', () => {
  it('describes each output by name, datatype and int64 shape, without typed contents', () => {
    const { outputs } = encodeOutputs([SAMPLE_TENSORS.FP32]);
    expect(outputs).toHaveLength(1);
    expect(outputs[0]).toMatchObject({ name: 'fp32', datatype: 'FP32', shape: [2n, 2n] });
    expect(outputs[0]?.contents).toBeUndefined();
  });

  it('encodes numbers little-endian in raw_output_contents', () => {
    const { rawOutputContents } = encodeOutputs([
      { name: 'ids', datatype: 'INT32', shape: [2], data: new Int32Array([1, -2]) },
    ]);
    expect(rawOutputContents).toEqual([new Uint8Array([1, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff])]);
  });

  it('frames BYTES elements with a 4-byte little-endian length, as Triton does', () => {
    const { rawOutputContents } = encodeOutputs([
      {
        name: 'text',
        datatype: 'BYTES',
        shape: [2],
        data: [new Uint8Array([0x68, 0x69]), new Uint8Array(0)],
      },
    ]);
    expect(rawOutputContents).toEqual([new Uint8Array([2, 0, 0, 0, 0x68, 0x69, 0, 0, 0, 0])]);
  });

  it('encodes a slice of a larger array without the bytes around it', () => {
    const data = new Float32Array([1, 2, 3, 4]).subarray(1, 3);
    const { rawOutputContents } = encodeOutputs([{ name: 'x', datatype: 'FP32', shape: [2], data }]);
    expect(rawOutputContents[0]).toEqual(new Uint8Array(new Float32Array([2, 3]).buffer));
  });

  it('rejects data whose length differs from the shape as a non-retryable ExecutionError', () => {
    const encode = () =>
      encodeOutputs([{ name: 'x', datatype: 'FP32', shape: [3], data: new Float32Array(2) }]);
    expect(encode).toThrow(ExecutionError);
    expect(encode).toThrow('tensor "x" has 2 elements but its shape [3] needs 3');
  });

  it('rejects storage of the wrong kind for the datatype', () => {
    const encode = () =>
      encodeOutputs([{ name: 'x', datatype: 'INT64', shape: [1], data: new Float64Array(1) }]);
    expect(encode).toThrow('tensor "x" is INT64 and needs its data in BigInt64Array, got Float64Array');
  });
});

describe('decodeOutputs', () => {
  it.each(DATATYPES)('reads back %s outputs encoded raw and sent over the wire', (datatype) => {
    const tensor = SAMPLE_TENSORS[datatype];
    const response = create(ModelInferResponseSchema, encodeOutputs([tensor]));
    const received = fromBinary(ModelInferResponseSchema, toBinary(ModelInferResponseSchema, response));
    expect(decodeOutputs(received)).toEqual([tensor]);
  });

  it('reads typed contents when the response has no raw contents', () => {
    const response = create(ModelInferResponseSchema, {
      outputs: [{ name: 'scores', datatype: 'FP64', shape: [2n], contents: { fp64Contents: [0.25, 0.75] } }],
    });
    expect(decodeOutputs(response)).toEqual([
      { name: 'scores', datatype: 'FP64', shape: [2], data: new Float64Array([0.25, 0.75]) },
    ]);
  });

  it('rejects a response with a raw entry count that differs from its outputs', () => {
    const response = create(ModelInferResponseSchema, {
      outputs: [
        { name: 'a', datatype: 'UINT8', shape: [1n] },
        { name: 'b', datatype: 'UINT8', shape: [1n] },
      ],
      rawOutputContents: [new Uint8Array(1)],
    });
    expect(() => decodeOutputs(response)).toThrow('response has 1 raw_output_contents entries for 2 outputs');
  });

  it('rejects an output datatype the protocol does not define', () => {
    const response = create(ModelInferResponseSchema, {
      outputs: [{ name: 'a', datatype: 'STRING', shape: [1n] }],
      rawOutputContents: [new Uint8Array(1)],
    });
    expect(() => decodeOutputs(response)).toThrow(
      'output "a" has datatype "STRING", which is not one of BOOL',
    );
  });
});
