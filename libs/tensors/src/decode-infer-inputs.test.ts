import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { InvalidArgumentError, ResourceExhaustedError } from '@switchboard/errors';
import {
  InferTensorContentsSchema,
  ModelInferRequestSchema,
  ModelInferRequest_InferInputTensorSchema,
  TensorSpecSchema,
} from '@switchboard/protocol';
import type { InferTensorContents, ModelInferRequest, TensorSpec } from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';
import { SAMPLE_TENSORS } from './__fixtures__/tensors.js';
import { DATATYPES } from './datatype.js';
import { decodeInferInputs } from './decode-infer-inputs.js';
import { encodeInputs } from './encode-inputs.js';
import type { Tensor } from './tensor.js';

const LIMITS = { maxRequestBytes: 1 << 20 };

function spec(name: string, datatype: string, shape: number[]): TensorSpec {
  return create(TensorSpecSchema, { name, datatype, shape: shape.map(BigInt) });
}

function input(
  name: string,
  datatype: string,
  shape: number[],
  contents?: MessageInitShape<typeof InferTensorContentsSchema>,
) {
  return create(ModelInferRequest_InferInputTensorSchema, {
    name,
    datatype,
    shape: shape.map(BigInt),
    ...(contents === undefined ? {} : { contents: create(InferTensorContentsSchema, contents) }),
  });
}

function request(init: MessageInitShape<typeof ModelInferRequestSchema>): ModelInferRequest {
  return create(ModelInferRequestSchema, { modelName: 'resnet', ...init });
}

function requestOf(tensors: Tensor[], encoding: 'typed' | 'raw'): ModelInferRequest {
  return request(encodeInputs(tensors, encoding));
}

/** Sends the request through protobuf binary, as gRPC does, so raw contents become views at odd offsets. */
function overTheWire(message: ModelInferRequest): ModelInferRequest {
  return fromBinary(ModelInferRequestSchema, toBinary(ModelInferRequestSchema, message));
}

function specOf(tensor: Tensor, shape: number[] = tensor.shape): TensorSpec {
  return spec(tensor.name, tensor.datatype, shape);
}

const PIXELS = spec('pixels', 'FP32', [-1, 2]);
const MASK = spec('mask', 'BOOL', [-1]);

describe('decodeInferInputs', () => {
  it('decodes typed FP32 contents into a Float32Array with a number shape', () => {
    const message = request({ inputs: [input('pixels', 'FP32', [2, 2], { fp32Contents: [1, 2, 3, 4] })] });
    const [tensor] = decodeInferInputs(message, [PIXELS], LIMITS);
    expect(tensor).toEqual({
      name: 'pixels',
      datatype: 'FP32',
      shape: [2, 2],
      data: new Float32Array([1, 2, 3, 4]),
    });
  });

  it('decodes hand-written little-endian raw bytes', () => {
    const message = request({
      inputs: [input('ids', 'INT32', [2])],
      rawInputContents: [new Uint8Array([1, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff])],
    });
    const [tensor] = decodeInferInputs(message, [spec('ids', 'INT32', [-1])], LIMITS);
    expect(tensor?.data).toEqual(new Int32Array([1, -2]));
  });

  it('decodes raw BYTES framed as a 4-byte little-endian length before each element', () => {
    const message = request({
      inputs: [input('text', 'BYTES', [2])],
      rawInputContents: [new Uint8Array([2, 0, 0, 0, 0x68, 0x69, 0, 0, 0, 0])],
    });
    const [tensor] = decodeInferInputs(message, [spec('text', 'BYTES', [-1])], LIMITS);
    expect(tensor?.data).toEqual([new Uint8Array([0x68, 0x69]), new Uint8Array(0)]);
  });

  it.each(DATATYPES.filter((datatype) => datatype !== 'FP16' && datatype !== 'BF16'))(
    'round-trips %s sent as typed contents',
    (datatype) => {
      const tensor = SAMPLE_TENSORS[datatype];
      const decoded = decodeInferInputs(overTheWire(requestOf([tensor], 'typed')), [specOf(tensor)], LIMITS);
      expect(decoded).toEqual([tensor]);
    },
  );

  it.each(DATATYPES)('round-trips %s sent as raw contents over the wire', (datatype) => {
    const tensor = SAMPLE_TENSORS[datatype];
    const decoded = decodeInferInputs(overTheWire(requestOf([tensor], 'raw')), [specOf(tensor)], LIMITS);
    expect(decoded).toEqual([tensor]);
  });

  it('copies raw contents that start at an offset not aligned to the element size', () => {
    const backing = new Uint8Array(9);
    new DataView(backing.buffer).setFloat64(1, 2.5, true);
    const message = request({ inputs: [input('x', 'FP64', [1])], rawInputContents: [backing.subarray(1)] });
    const [tensor] = decodeInferInputs(message, [spec('x', 'FP64', [1])], LIMITS);
    expect(tensor?.data).toEqual(new Float64Array([2.5]));
  });

  it('copies unaligned raw contents that arrive as a Node Buffer, whose slice() does not copy', () => {
    const backing = Buffer.alloc(5);
    backing.writeFloatLE(-7.5, 1);
    const message = request({ inputs: [input('x', 'FP32', [1])], rawInputContents: [backing.subarray(1)] });
    const [tensor] = decodeInferInputs(message, [spec('x', 'FP32', [1])], LIMITS);
    expect(tensor?.data).toEqual(new Float32Array([-7.5]));
  });

  it('returns tensors in the declared order whatever order the request lists them in', () => {
    const message = request({
      inputs: [
        input('mask', 'BOOL', [1], { boolContents: [true] }),
        input('pixels', 'FP32', [1, 2], { fp32Contents: [1, 2] }),
      ],
    });
    const names = decodeInferInputs(message, [PIXELS, MASK], LIMITS).map((tensor) => tensor.name);
    expect(names).toEqual(['pixels', 'mask']);
  });

  it('reads raw contents by the position of the input in the request', () => {
    const message = request({
      inputs: [input('mask', 'BOOL', [2]), input('pixels', 'FP32', [1, 2])],
      rawInputContents: [new Uint8Array([1, 0]), new Uint8Array(new Float32Array([3, 4]).buffer)],
    });
    const [pixels, mask] = decodeInferInputs(message, [PIXELS, MASK], LIMITS);
    expect(pixels?.data).toEqual(new Float32Array([3, 4]));
    expect(mask?.data).toEqual(new Uint8Array([1, 0]));
  });

  it('accepts any size, including 0, where the model declares -1', () => {
    const message = request({ inputs: [input('pixels', 'FP32', [0, 2])] });
    const [tensor] = decodeInferInputs(message, [PIXELS], LIMITS);
    expect(tensor?.shape).toEqual([0, 2]);
    expect(tensor?.data).toHaveLength(0);
  });
});

describe('decodeInferInputs rejects', () => {
  function expectInvalid(message: ModelInferRequest, specs: TensorSpec[], text: string): void {
    expect(() => decodeInferInputs(message, specs, LIMITS)).toThrow(InvalidArgumentError);
    expect(() => decodeInferInputs(message, specs, LIMITS)).toThrow(text);
  }

  it('an unknown input name, listing the inputs the model has', () => {
    const message = request({ inputs: [input('image', 'FP32', [1, 2], { fp32Contents: [1, 2] })] });
    expectInvalid(
      message,
      [PIXELS, MASK],
      'model "resnet" has no input named "image"; its inputs are "pixels", "mask"',
    );
  });

  it('an input sent twice', () => {
    const pixels = input('pixels', 'FP32', [1, 2], { fp32Contents: [1, 2] });
    expectInvalid(request({ inputs: [pixels, pixels] }), [PIXELS], 'input "pixels" appears more than once');
  });

  it('a request missing declared inputs, naming them', () => {
    expectInvalid(request({ inputs: [] }), [PIXELS, MASK], 'request is missing inputs "pixels", "mask"');
  });

  it('a datatype the protocol does not define', () => {
    const message = request({ inputs: [input('pixels', 'FLOAT32', [1, 2], { fp32Contents: [1, 2] })] });
    expectInvalid(
      message,
      [PIXELS],
      'input "pixels" has datatype "FLOAT32", which is not an Open Inference Protocol datatype; use FP32',
    );
  });

  it('a datatype other than the declared one', () => {
    const message = request({ inputs: [input('pixels', 'FP64', [1, 2], { fp64Contents: [1, 2] })] });
    expectInvalid(message, [PIXELS], 'input "pixels" has datatype FP64 but model "resnet" expects FP32');
  });

  it('a shape of another rank', () => {
    const message = request({ inputs: [input('pixels', 'FP32', [2], { fp32Contents: [1, 2] })] });
    expectInvalid(
      message,
      [PIXELS],
      'input "pixels" has shape [2] but model "resnet" expects rank 2: [-1, 2] (-1 = any size)',
    );
  });

  it('a fixed dimension of another size', () => {
    const message = request({ inputs: [input('pixels', 'FP32', [1, 3], { fp32Contents: [1, 2, 3] })] });
    expectInvalid(message, [PIXELS], 'expects [-1, 2] (-1 = any size): dimension 1 is 3, expected 2');
  });

  it('a negative dimension in the request', () => {
    const message = request({ inputs: [input('pixels', 'FP32', [-1, 2])] });
    expectInvalid(message, [PIXELS], 'input "pixels" has shape [-1, 2]: dimension 0 is -1');
  });

  it('typed contents in a request that also uses raw contents', () => {
    const message = request({
      inputs: [input('pixels', 'FP32', [1, 2], { fp32Contents: [1, 2] })],
      rawInputContents: [new Uint8Array(8)],
    });
    expectInvalid(
      message,
      [PIXELS],
      'input "pixels" has typed contents but the request also uses raw_input_contents',
    );
  });

  it('a raw entry count that differs from the input count', () => {
    const message = request({
      inputs: [input('pixels', 'FP32', [1, 2]), input('mask', 'BOOL', [1])],
      rawInputContents: [new Uint8Array(8)],
    });
    expectInvalid(message, [PIXELS, MASK], 'request has 1 raw_input_contents entries for 2 inputs');
  });

  it('typed values in the field of another datatype', () => {
    const message = request({ inputs: [input('pixels', 'FP32', [1, 2], { fp64Contents: [1, 2] })] });
    expectInvalid(
      message,
      [PIXELS],
      'input "pixels" is FP32 but has 2 values in fp64_contents; FP32 values belong in fp32_contents',
    );
  });

  it('typed values whose count differs from the shape', () => {
    const message = request({ inputs: [input('pixels', 'FP32', [2, 2], { fp32Contents: [1, 2, 3] })] });
    expectInvalid(
      message,
      [PIXELS],
      'input "pixels" has 3 values in fp32_contents but FP32 with shape [2, 2] needs 4',
    );
  });

  it('a typed input with no contents at all', () => {
    const message = request({ inputs: [input('pixels', 'FP32', [1, 2])] });
    expectInvalid(message, [PIXELS], 'has 0 values in fp32_contents but FP32 with shape [1, 2] needs 2');
  });

  it.each([
    ['INT8', 'intContents', 128, "value 1 is 128, outside INT8's range [-128, 127]"],
    ['INT16', 'intContents', -32769, "value 1 is -32769, outside INT16's range [-32768, 32767]"],
    ['UINT8', 'uintContents', 256, "value 1 is 256, outside UINT8's range [0, 255]"],
    ['UINT16', 'uintContents', 65536, "value 1 is 65536, outside UINT16's range [0, 65535]"],
  ] as const)('a typed %s value outside its range', (datatype, field, value, text) => {
    const message = request({ inputs: [input('x', datatype, [2], { [field]: [0, value] })] });
    expectInvalid(message, [spec('x', datatype, [2])], text);
  });

  it.each(['FP16', 'BF16'])('%s sent as typed contents, saying to send it raw', (datatype) => {
    const message = request({ inputs: [input('x', datatype, [1], { uintContents: [0x3c00] })] });
    expectInvalid(
      message,
      [spec('x', datatype, [1])],
      `send ${datatype} tensors as raw contents (raw_input_contents`,
    );
  });

  it('raw contents whose byte count does not fit the shape', () => {
    const message = request({
      inputs: [input('pixels', 'FP32', [1, 2])],
      rawInputContents: [new Uint8Array(12)],
    });
    expectInvalid(
      message,
      [PIXELS],
      'input "pixels" (raw_input_contents[0]) has 12 bytes but FP32 with shape [1, 2] needs 2 × 4 = 8 bytes',
    );
  });

  it('a raw BOOL byte other than 0 or 1', () => {
    const message = request({
      inputs: [input('mask', 'BOOL', [2])],
      rawInputContents: [new Uint8Array([1, 2])],
    });
    expectInvalid(message, [MASK], 'is BOOL but byte 1 is 2');
  });

  describe('raw BYTES', () => {
    const TEXT = spec('text', 'BYTES', [-1]);
    function rawText(elements: number, bytes: number[]): ModelInferRequest {
      return request({
        inputs: [input('text', 'BYTES', [elements])],
        rawInputContents: [new Uint8Array(bytes)],
      });
    }

    it('too short to hold a length for every element', () => {
      expectInvalid(
        rawText(2, [0, 0, 0, 0]),
        [TEXT],
        'has 4 bytes, too few for the 2 BYTES elements of shape [2]',
      );
    });

    it('that end before an element length', () => {
      expectInvalid(
        rawText(2, [1, 0, 0, 0, 9, 0, 0, 0]),
        [TEXT],
        'ends at byte 8 after 1 of 2 BYTES elements; element 1 needs a 4-byte little-endian length at byte 5',
      );
    });

    it('whose element length runs past the end', () => {
      expectInvalid(
        rawText(1, [5, 0, 0, 0, 1, 2]),
        [TEXT],
        'BYTES element 0 declares 5 bytes at byte 0 but only 2 bytes remain',
      );
    });

    it('with bytes left over after the last element', () => {
      expectInvalid(
        rawText(1, [1, 0, 0, 0, 7, 8]),
        [TEXT],
        'has 1 bytes left over after the 1 BYTES elements of shape [1] (which end at byte 5)',
      );
    });
  });

  it('raw inputs over the size limit with ResourceExhaustedError naming size and limit', () => {
    const message = requestOf([SAMPLE_TENSORS.FP64], 'raw');
    const decode = () => decodeInferInputs(message, [specOf(SAMPLE_TENSORS.FP64)], { maxRequestBytes: 31 });
    expect(decode).toThrow(ResourceExhaustedError);
    expect(decode).toThrow('request inputs are 32 bytes, over the limit of 31 bytes');
  });

  it('typed inputs whose raw size is over the limit, counting BYTES length prefixes', () => {
    const tensor = SAMPLE_TENSORS.BYTES;
    const message = requestOf([tensor], 'typed');
    // 4 elements × 4-byte prefixes + 6 + 0 + 2 + 1 bytes of data.
    expect(() => decodeInferInputs(message, [specOf(tensor)], { maxRequestBytes: 24 })).toThrow(
      'request inputs are 25 bytes',
    );
    expect(decodeInferInputs(message, [specOf(tensor)], { maxRequestBytes: 25 })).toHaveLength(1);
  });
});

// Keeps the typed-contents helper honest: an empty contents message must read as empty, not as absent values.
describe('decodeInferInputs with empty contents messages', () => {
  it('accepts raw contents next to an empty typed contents message', () => {
    const empty: InferTensorContents = create(InferTensorContentsSchema);
    const message = request({
      inputs: [{ ...input('mask', 'BOOL', [1]), contents: empty }],
      rawInputContents: [new Uint8Array([1])],
    });
    expect(decodeInferInputs(message, [MASK], LIMITS)[0]?.data).toEqual(new Uint8Array([1]));
  });
});
