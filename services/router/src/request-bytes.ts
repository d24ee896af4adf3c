import { toBinary } from '@bufbuild/protobuf';
import { wireBytesOf } from '@switchboard/grpc';
import { ModelInferRequestSchema } from '@switchboard/protocol';
import type { ModelInferRequest } from '@switchboard/protocol';

/** Requests built in process (the HTTP door's, a test's), encoded once however often they are asked for. */
const encoded = new WeakMap<ModelInferRequest, Uint8Array>();

/**
 * A request's protobuf bytes: as they arrived over gRPC, else encoded once and remembered for as long
 * as the request lives. The result key hashes them and the job carries them; encoding every tensor
 * twice would cost the router CPU.
 */
export function requestBytesOf(request: ModelInferRequest): Uint8Array {
  const received = wireBytesOf(request);
  if (received !== undefined) return received;
  let bytes = encoded.get(request);
  if (bytes === undefined) {
    bytes = toBinary(ModelInferRequestSchema, request);
    encoded.set(request, bytes);
  }
  return bytes;
}
