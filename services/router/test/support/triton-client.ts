import { fileURLToPath } from 'node:url';
import { createProtoLoaderClient } from './proto-loader-client.js';
import type { ProtoLoaderClient } from './proto-loader-client.js';

/**
 * Triton's published grpc_service.proto and model_config.proto, transcribed (names and numbers
 * only) apart from the server's own .proto files and generated code.
 */
export const TRITON_PROTO_DIR = fileURLToPath(new URL('../__fixtures__/triton', import.meta.url));

/** A client built with @grpc/proto-loader from Triton's .proto files alone. */
export type TritonClient = ProtoLoaderClient;

export function createTritonClient(address: string): TritonClient {
  return createProtoLoaderClient(address, { includeDir: TRITON_PROTO_DIR, file: 'grpc_service.proto' });
}
