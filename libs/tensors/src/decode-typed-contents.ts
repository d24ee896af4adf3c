import { create } from '@bufbuild/protobuf';
import { InvalidArgumentError } from '@switchboard/errors';
import { InferTensorContentsSchema } from '@switchboard/protocol';
import type { InferTensorContents } from '@switchboard/protocol';
import { elementCount, formatShape } from './shape.js';
import type { Datatype, TensorData } from './tensor.js';
import { createTensorData } from './tensor-data.js';
import type { FixedSizeData } from './tensor-data.js';
import { TYPED_CONTENTS_FIELDS, protoFieldName, typedContentsField } from './typed-contents-field.js';
import type { TypedContentsField } from './typed-contents-field.js';

/** Value ranges of the datatypes the wire widens to 32 bits, so they need a check; others need none. */
const NARROW_RANGES: Partial<Record<Datatype, readonly [number, number]>> = {
  INT8: [-128, 127],
  INT16: [-32768, 32767],
  UINT8: [0, 255],
  UINT16: [0, 65535],
};

const EMPTY_CONTENTS = create(InferTensorContentsSchema);

/**
 * Decodes one tensor's typed contents (`contents` of an input or output) into the storage of `datatype`.
 *
 * @param contents the tensor's contents; `undefined` is read as empty.
 * @param label names the tensor in messages, e.g. `input "x"`.
 * @throws InvalidArgumentError when values sit in a field other than the one `datatype` uses, their count
 *   differs from the shape's element count, an INT8/INT16/UINT8/UINT16 value is out of range, or the
 *   datatype is FP16/BF16, which the protocol can carry only as raw contents.
 */
export function decodeTypedContents(
  contents: InferTensorContents | undefined,
  datatype: Datatype,
  shape: readonly number[],
  label: string,
): TensorData {
  const field = typedContentsField(datatype);
  if (field === undefined) {
    throw new InvalidArgumentError(
      `${label} is ${datatype}, which has no typed contents field in the protocol; ` +
        `send ${datatype} tensors as raw contents (raw_input_contents in a request)`,
    );
  }
  const filled = contents ?? EMPTY_CONTENTS;
  checkOnlyFieldFilled(filled, field, datatype, label);
  const count = filled[field].length;
  const elements = elementCount(shape);
  if (count !== elements) {
    throw new InvalidArgumentError(
      `${label} has ${count} values in ${protoFieldName(field)} but ${datatype} with shape ` +
        `${formatShape(shape)} needs ${elements}`,
    );
  }
  return convertValues(filled, datatype, label);
}

function checkOnlyFieldFilled(
  contents: InferTensorContents,
  field: TypedContentsField,
  datatype: Datatype,
  label: string,
): void {
  for (const other of TYPED_CONTENTS_FIELDS) {
    const count = contents[other].length;
    if (other !== field && count > 0) {
      throw new InvalidArgumentError(
        `${label} is ${datatype} but has ${count} values in ${protoFieldName(other)}; ` +
          `${datatype} values belong in ${protoFieldName(field)} and every other contents field must be empty`,
      );
    }
  }
}

// Element-by-element loops on purpose: protobuf-es hands repeated numbers over as arrays of boxed
// values, which typed-array constructors and set() copy 5-10× slower than a plain loop (measured on a
// 1.2M-element FP32 input).
function convertValues(contents: InferTensorContents, datatype: Datatype, label: string): TensorData {
  switch (datatype) {
    case 'BOOL':
      return copyBools(contents.boolContents);
    case 'INT8':
    case 'INT16':
    case 'INT32':
      return copyNumbers(contents.intContents, datatype, label);
    case 'UINT8':
    case 'UINT16':
    case 'UINT32':
      return copyNumbers(contents.uintContents, datatype, label);
    case 'FP32':
      return copyNumbers(contents.fp32Contents, datatype, label);
    case 'FP64':
      return copyNumbers(contents.fp64Contents, datatype, label);
    case 'INT64':
      return copyBigInts(contents.int64Contents, new BigInt64Array(contents.int64Contents.length));
    case 'UINT64':
      return copyBigInts(contents.uint64Contents, new BigUint64Array(contents.uint64Contents.length));
    case 'BYTES':
      return contents.bytesContents.slice();
    case 'FP16':
    case 'BF16':
      throw new TypeError(`${datatype} has no typed contents`);
  }
}

function copyBools(values: readonly boolean[]): Uint8Array {
  const data = new Uint8Array(values.length);
  for (let index = 0; index < values.length; index++) data[index] = values[index] ? 1 : 0;
  return data;
}

function copyBigInts<T extends BigInt64Array | BigUint64Array>(values: readonly bigint[], data: T): T {
  for (let index = 0; index < values.length; index++) data[index] = values[index] as bigint;
  return data;
}

/** Copies numbers, checking the range of the datatypes the wire widens to 32 bits. */
function copyNumbers(values: readonly number[], datatype: Datatype, label: string): FixedSizeData {
  const [min, max] = NARROW_RANGES[datatype] ?? [-Infinity, Infinity];
  const data = createTensorData(datatype, values.length) as Exclude<
    FixedSizeData,
    BigInt64Array | BigUint64Array
  >;
  for (let index = 0; index < values.length; index++) {
    const value = values[index] as number;
    if (value < min || value > max) {
      throw new InvalidArgumentError(
        `${label} is ${datatype} but value ${index} is ${value}, outside ${datatype}'s range [${min}, ${max}]`,
      );
    }
    data[index] = value;
  }
  return data;
}
