import { fileURLToPath } from 'node:url';
import { loadSync } from '@grpc/proto-loader';
import type { MethodDefinition, ServiceDefinition } from '@grpc/grpc-js';

/** The repository's proto root, found from this file (bench/dist/overhead/) so the cwd does not matter. */
const PROTO_ROOT = fileURLToPath(new URL('../../../proto/', import.meta.url));
const PROTO_FILE = 'inference/grpc_predict_v2.proto';
const SERVICE_NAME = 'inference.GRPCInferenceService';

/** Name of the model every path is asked for; (c) registers it, (a) answers for any name. */
export const MODEL_NAME = 'noop';

/** The OIP service as proto-loader describes it: method paths plus protobufjs (de)serialisers. */
export type InferenceServiceDefinition = ServiceDefinition & {
  readonly ModelInfer: MethodDefinition<object, object>;
  readonly ModelReady: MethodDefinition<object, object>;
};

/**
 * Loads inference.GRPCInferenceService from proto/inference/grpc_predict_v2.proto the way a stock
 * client would: proto-loader, no generated code. Both the (a) server and the shared client use it.
 */
export function loadInferenceService(): InferenceServiceDefinition {
  const definition = loadSync(PROTO_FILE, {
    includeDirs: [PROTO_ROOT],
    longs: Number,
    enums: String,
    defaults: false,
    oneofs: true,
  });
  const service = definition[SERVICE_NAME];
  if (service === undefined || !('ModelInfer' in service) || !('ModelReady' in service)) {
    throw new Error(`${PROTO_FILE} under ${PROTO_ROOT} does not define ${SERVICE_NAME}`);
  }
  // proto-loader's definition types are structurally grpc-js' ServiceDefinition; TS cannot see it.
  return service as unknown as InferenceServiceDefinition;
}

/** The request every gRPC path gets: model `noop`, one FP32 input of shape [1, 4] as raw bytes. */
export function createInferRequest(): object {
  return {
    modelName: MODEL_NAME,
    inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 4] }],
    rawInputContents: [Buffer.from(new Float32Array([0.1, 0.2, 0.3, 0.4]).buffer)],
  };
}

/** What the (a) server answers: one FP32 output of shape [1, 3], like the synthetic model's. */
export function createInferResponse(): object {
  return {
    modelName: MODEL_NAME,
    modelVersion: '1',
    outputs: [{ name: 'probabilities', datatype: 'FP32', shape: [1, 3] }],
    rawOutputContents: [Buffer.from(new Float32Array([0.9, 0.05, 0.05]).buffer)],
  };
}
