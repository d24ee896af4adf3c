import { fileURLToPath } from 'node:url';
import { createProtoLoaderClient } from './proto-loader-client.js';
import type { ProtoLoaderClient } from './proto-loader-client.js';

/** The server's own OIP .proto, loaded with @grpc/proto-loader exactly as a third-party client would. */
const PROTO_ROOT = fileURLToPath(new URL('../../../../proto', import.meta.url));
const OIP_PROTO = 'inference/grpc_predict_v2.proto';

type Method = 'ServerLive' | 'ServerReady' | 'ModelReady' | 'ServerMetadata' | 'ModelMetadata' | 'ModelInfer';

/** A stock OIP client over the protocol's six core RPCs. */
export type OipClient = ProtoLoaderClient<Method>;

/** Builds a client from the .proto alone, without any of Switchboard's generated code. */
export function createOipClient(address: string): OipClient {
  return createProtoLoaderClient<Method>(address, { includeDir: PROTO_ROOT, file: OIP_PROTO });
}
