import { TensorProto_DataType } from './gen/onnx-subset_pb.js';
import type { TensorProto } from './gen/onnx-subset_pb.js';
import { decodeOnnxModel } from './decode-onnx-model.js';

/** A constant tensor stored in an ONNX graph (a weight or bias). */
export interface OnnxInitializer {
  dims: number[];
  /** Row-major elements. */
  data: Float32Array;
}

/**
 * Reads the FP32 initializers of an .onnx file by name, straight from its bytes, so tests can
 * recompute a model's output independently of onnxruntime.
 * @throws Error when the file cannot be read or holds an initializer that is not FP32.
 */
export function readOnnxInitializers(path: string): Map<string, OnnxInitializer> {
  const graph = decodeOnnxModel(path).graph;
  const initializers = new Map<string, OnnxInitializer>();
  for (const tensor of graph?.initializer ?? []) {
    initializers.set(tensor.name, { dims: tensor.dims.map(Number), data: toFloat32Array(tensor) });
  }
  return initializers;
}

function toFloat32Array(tensor: TensorProto): Float32Array {
  if (tensor.dataType !== TensorProto_DataType.FLOAT) {
    throw new Error(
      `initializer ${tensor.name} has ONNX data type ${tensor.dataType}; only FLOAT is supported`,
    );
  }
  // ONNX allows either encoding; raw_data wins when present.
  if (tensor.rawData.length === 0) return Float32Array.from(tensor.floatData);
  const view = new DataView(tensor.rawData.buffer, tensor.rawData.byteOffset, tensor.rawData.byteLength);
  // Read element by element: raw_data is little-endian and its offset in the buffer may be unaligned.
  return Float32Array.from({ length: tensor.rawData.byteLength / 4 }, (_, index) =>
    view.getFloat32(index * 4, true),
  );
}
