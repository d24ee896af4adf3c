import { Tensor as OnnxTensor } from 'onnxruntime-node';
import type { TensorSpec } from '@switchboard/protocol';
import type { Datatype, Tensor, TensorData } from '@switchboard/tensors';

/** The onnxruntime element type names this module maps to and from. */
type OnnxType = OnnxTensor.Type;

/**
 * Open Inference Protocol datatype → onnxruntime element type. BF16 is absent: onnxruntime's
 * JavaScript API has no bfloat16 tensor type. FP16 travels as raw 16-bit patterns on both sides.
 */
const ONNX_TYPE_BY_DATATYPE: Readonly<Partial<Record<Datatype, OnnxType>>> = {
  BOOL: 'bool',
  UINT8: 'uint8',
  UINT16: 'uint16',
  UINT32: 'uint32',
  UINT64: 'uint64',
  INT8: 'int8',
  INT16: 'int16',
  INT32: 'int32',
  INT64: 'int64',
  FP16: 'float16',
  FP32: 'float32',
  FP64: 'float64',
  BYTES: 'string',
};

const DATATYPE_BY_ONNX_TYPE = new Map<string, Datatype>(
  Object.entries(ONNX_TYPE_BY_DATATYPE).map(([datatype, type]) => [type, datatype as Datatype]),
);

const utf8Decoder = new TextDecoder();
const utf8Encoder = new TextEncoder();

/**
 * Converts a Switchboard tensor to an onnxruntime tensor. Numeric data is shared, not copied;
 * BYTES elements become strings (decoded as UTF-8, which is what ONNX string tensors hold).
 * @throws Error when the datatype has no onnxruntime equivalent or data and shape disagree.
 */
export function tensorToOnnx(tensor: Tensor): OnnxTensor {
  const type = ONNX_TYPE_BY_DATATYPE[tensor.datatype];
  if (type === undefined)
    throw new Error(`input ${tensor.name}: onnxruntime has no ${tensor.datatype} tensors`);
  if (Array.isArray(tensor.data)) {
    if (type !== 'string') throw new Error(`input ${tensor.name}: byte strings given for ${tensor.datatype}`);
    return new OnnxTensor(
      'string',
      tensor.data.map((bytes) => utf8Decoder.decode(bytes)),
      tensor.shape,
    );
  }
  // The constructor checks that the typed array matches the element type and the shape.
  return new OnnxTensor(type, tensor.data as OnnxTensor.DataTypeMap[typeof type], tensor.shape);
}

/**
 * Converts an onnxruntime output tensor to a Switchboard tensor named `name`.
 * @throws Error when the element type has no Open Inference Protocol datatype (e.g. int4).
 */
export function tensorFromOnnx(name: string, tensor: OnnxTensor): Tensor {
  const datatype = DATATYPE_BY_ONNX_TYPE.get(tensor.type);
  if (datatype === undefined)
    throw new Error(`output ${name}: onnxruntime type ${tensor.type} has no OIP datatype`);
  return { name, datatype, shape: [...tensor.dims], data: toTensorData(datatype, tensor.data) };
}

function toTensorData(datatype: Datatype, data: OnnxTensor['data']): TensorData {
  if (datatype === 'BYTES') return (data as string[]).map((text) => utf8Encoder.encode(text));
  const view = data as ArrayBufferView & { length: number };
  // Where a runtime offers Float16Array, onnxruntime returns float16 as one; keep the raw bits instead.
  if (datatype === 'FP16') return new Uint16Array(view.buffer, view.byteOffset, view.length);
  return data as TensorData;
}

/** Zeroed storage per numeric onnxruntime type; float16 travels as raw 16-bit patterns. */
const ZEROS_BY_ONNX_TYPE: Readonly<Partial<Record<OnnxType, (length: number) => OnnxTensor['data']>>> = {
  bool: (length) => new Uint8Array(length),
  uint8: (length) => new Uint8Array(length),
  uint16: (length) => new Uint16Array(length),
  uint32: (length) => new Uint32Array(length),
  uint64: (length) => new BigUint64Array(length),
  int8: (length) => new Int8Array(length),
  int16: (length) => new Int16Array(length),
  int32: (length) => new Int32Array(length),
  int64: (length) => new BigInt64Array(length),
  float16: (length) => new Uint16Array(length),
  float32: (length) => new Float32Array(length),
  float64: (length) => new Float64Array(length),
  string: (length) => Array.from({ length }, () => ''),
};

/**
 * A tensor of zeros (empty strings for BYTES) of the declared shape, each variable dimension (-1)
 * taken as 1: a batch of one, e.g. to warm a session up before it serves.
 * @throws Error when the datatype has no onnxruntime equivalent.
 */
export function zeroOnnxTensor(spec: TensorSpec): OnnxTensor {
  const type = ONNX_TYPE_BY_DATATYPE[spec.datatype as Datatype];
  const zeros = type === undefined ? undefined : ZEROS_BY_ONNX_TYPE[type];
  if (type === undefined || zeros === undefined)
    throw new Error(`input ${spec.name}: onnxruntime has no ${spec.datatype} tensors`);
  const dims = spec.shape.map((dimension) => (dimension > 0n ? Number(dimension) : 1));
  const length = dims.reduce((product, dimension) => product * dimension, 1);
  return new OnnxTensor(type, zeros(length) as OnnxTensor.DataTypeMap[typeof type], dims);
}
