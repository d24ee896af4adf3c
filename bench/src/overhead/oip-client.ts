import { Client, credentials } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';
import { createInferRequest, loadInferenceService } from './oip-proto.js';

/** Deadline of every call, so a stuck server fails the call instead of hanging the load loop. */
const CALL_TIMEOUT_MS = 10_000;

/** The decoded ModelInferResponse fields the bench checks. */
export interface InferResponse {
  readonly outputs?: readonly { readonly name?: string }[];
  readonly rawOutputContents?: readonly Buffer[];
}

/** A proto-loader OIP client on one channel, sending one pre-encoded ModelInfer request. */
export interface OipClient {
  /** Sends the ModelInfer request and decodes the response. @throws ServiceError on a failed call. */
  infer(): Promise<InferResponse>;
  /** Asks ModelReady for `name`. @throws ServiceError on a failed call. */
  modelReady(name: string): Promise<boolean>;
  /** Closes the channel. */
  close(): void;
}

const identity = (bytes: Buffer): Buffer => bytes;

/**
 * Creates the client used for both (a) and (c). The request is encoded once with proto-loader's
 * serialiser and reused, so the load loop spends its time on gRPC, not on protobufjs; responses
 * are decoded on every call, as a real client would.
 */
export function createOipClient(address: string): OipClient {
  const service = loadInferenceService();
  const client = new Client(address, credentials.createInsecure());
  const encodedRequest = service.ModelInfer.requestSerialize(createInferRequest());
  const call = <T>(path: string, encoded: Buffer, decode: (bytes: Buffer) => T) =>
    new Promise<T>((resolve, reject) => {
      client.makeUnaryRequest(
        path,
        identity,
        decode,
        encoded,
        { deadline: Date.now() + CALL_TIMEOUT_MS },
        (error: ServiceError | null, response?: T) => (error ? reject(error) : resolve(response as T)),
      );
    });
  return {
    infer: () =>
      call(
        service.ModelInfer.path,
        encodedRequest,
        (bytes) => service.ModelInfer.responseDeserialize(bytes) as InferResponse,
      ),
    modelReady: async (name) => {
      const encoded = service.ModelReady.requestSerialize({ name });
      const response = await call(service.ModelReady.path, encoded, service.ModelReady.responseDeserialize);
      return (response as { ready?: boolean }).ready === true;
    },
    close: () => client.close(),
  };
}
