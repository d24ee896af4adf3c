import { describe, expect, it } from 'vitest';
import { encodeInferResponse } from './encode-infer-response.js';

const NONE = { all: false, names: new Set<string>() };

function raw(values: ArrayBufferView): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

describe('encodeInferResponse', () => {
  it('writes every datatype as JSON, 64-bit integers with all their digits and NaN as null', () => {
    const { headers, body } = encodeInferResponse(
      {
        modelName: 'm',
        modelVersion: '1',
        parameters: { count: { parameterChoice: { case: 'uint64Param', value: 2n ** 63n } } },
        outputs: [
          { name: 'f', datatype: 'FP32', shape: [3n] },
          { name: 'b', datatype: 'BOOL', shape: [2n] },
          { name: 'i', datatype: 'INT64', shape: [1n] },
          { name: 's', datatype: 'BYTES', shape: [1n] },
        ],
        rawOutputContents: [
          raw(new Float32Array([0.5, Number.NaN, -2])),
          new Uint8Array([1, 0]),
          raw(new BigInt64Array([-(2n ** 62n) - 1n])),
          new Uint8Array([2, 0, 0, 0, 0x68, 0x69]),
        ],
      },
      NONE,
    );
    expect(headers).toEqual({ 'content-type': 'application/json' });
    expect(body).toContain('"count":9223372036854775808');
    expect(body).toContain('"data":[0.5,null,-2]');
    expect(body).toContain('"data":[true,false]');
    expect(body).toContain('"data":[-4611686018427387905]');
    expect(body).toContain('"data":["hi"]');
    expect(JSON.parse(body as string)).toMatchObject({ model_name: 'm', model_version: '1' });
    expect(JSON.parse(body as string)).not.toHaveProperty('id');
  });

  it('puts binary outputs after the JSON with its length in inference-header-content-length', () => {
    const data = raw(new Float32Array([1, 2]));
    const { headers, body } = encodeInferResponse(
      {
        modelName: 'm',
        id: 'x',
        outputs: [
          { name: 'a', datatype: 'FP32', shape: [2n] },
          { name: 'h', datatype: 'FP16', shape: [1n] },
        ],
        rawOutputContents: [data, new Uint8Array([0x00, 0x3c])],
      },
      { all: false, names: new Set(['a']) },
    );
    const length = Number(headers['inference-header-content-length']);
    expect(headers['content-type']).toBe('application/octet-stream');
    const json = JSON.parse((body as Buffer).subarray(0, length).toString()) as {
      outputs: Array<{ parameters: { binary_data_size: number } }>;
    };
    // FP16 has no JSON form, so it comes as binary data even unasked.
    expect(json.outputs.map((output) => output.parameters.binary_data_size)).toEqual([8, 2]);
    expect((body as Buffer).subarray(length)).toEqual(Buffer.concat([data, Buffer.from([0x00, 0x3c])]));
  });
});
