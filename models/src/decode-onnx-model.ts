import { readFileSync } from 'node:fs';
import { fromBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema } from './gen/onnx-subset_pb.js';
import type { ModelProto } from './gen/onnx-subset_pb.js';

/**
 * Reads and decodes an .onnx file. Fields outside the subset in onnx-subset.proto are skipped.
 * @throws Error when the file cannot be read or is not a protobuf message.
 */
export function decodeOnnxModel(path: string): ModelProto {
  return fromBinary(ModelProtoSchema, readFileSync(path));
}
