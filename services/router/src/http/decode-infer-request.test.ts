import { describe, expect, it } from 'vitest';
import { decodeInferRequest } from './decode-infer-request.js';

const TARGET = { name: 'model', version: '' };

function decode(json: unknown, binary?: Buffer) {
  const header = Buffer.from(JSON.stringify(json));
  const body = binary === undefined ? header : Buffer.concat([header, binary]);
  return decodeInferRequest(body, binary === undefined ? undefined : String(header.length), TARGET);
}

describe('decodeInferRequest', () => {
  it('mixes JSON and binary inputs, all as raw contents, and drops the HTTP-only parameters', () => {
    const binary = Buffer.from(new Int32Array([7, 8]).buffer);
    const { request, binaryOutputs } = decode(
      {
        id: 'a',
        parameters: { binary_data_output: true, priority: 2, sla_ms: 12.5, tag: 'x', flag: false },
        inputs: [
          { name: 'flags', datatype: 'BOOL', shape: [2], data: [true, false] },
          { name: 'counts', datatype: 'INT32', shape: [2], parameters: { binary_data_size: 8 } },
          { name: 'big', datatype: 'INT64', shape: [1, 1], data: [[2 ** 53]] },
        ],
        outputs: [{ name: 'out', parameters: { binary_data: true, classification: 2 } }],
      },
      binary,
    );
    expect(binaryOutputs).toEqual({ all: true, names: new Set(['out']) });
    expect(Object.keys(request.parameters).sort()).toEqual(['flag', 'priority', 'sla_ms', 'tag']);
    expect(request.parameters.priority?.parameterChoice).toEqual({ case: 'int64Param', value: 2n });
    expect(request.parameters.sla_ms?.parameterChoice).toEqual({ case: 'doubleParam', value: 12.5 });
    expect(request.inputs.map((input) => [input.name, input.shape, Object.keys(input.parameters)])).toEqual([
      ['flags', [2n], []],
      ['counts', [2n], []],
      ['big', [1n, 1n], []],
    ]);
    expect(request.rawInputContents.map((raw) => Buffer.from(raw).toString('hex'))).toEqual([
      '0100',
      '0700000008000000',
      Buffer.from(new BigInt64Array([2n ** 53n]).buffer).toString('hex'),
    ]);
    expect(request.outputs[0]?.parameters).toHaveProperty('classification');
    expect(request.outputs[0]?.parameters).not.toHaveProperty('binary_data');
  });

  it('encodes BYTES elements with a little-endian length before each', () => {
    const { request } = decode({ inputs: [{ name: 't', datatype: 'BYTES', shape: [2], data: ['ab', 'é'] }] });
    expect(Buffer.from(request.rawInputContents[0]!).toString('hex')).toBe('0200000061620200000' + '0c3a9');
  });

  it('keeps a parameter named __proto__ as a parameter', () => {
    const { request } = decodeInferRequest(
      Buffer.from('{"parameters": {"__proto__": 1}, "inputs": []}'),
      undefined,
      TARGET,
    );
    expect(Object.keys(request.parameters)).toEqual(['__proto__']);
  });

  it('refuses JSON data for FP16, which only binary data can carry', () => {
    expect(() => decode({ inputs: [{ name: 'h', datatype: 'FP16', shape: [1], data: [1] }] })).toThrow(
      /FP16, which JSON cannot carry: send it as binary data/,
    );
  });
});
