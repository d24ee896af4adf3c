import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import type { DescMethodUnary, MessageInitShape, MessageShape } from '@bufbuild/protobuf';
import { Client, credentials } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';
import { GRPCInferenceService } from '@switchboard/protocol';

type Methods = (typeof GRPCInferenceService)['method'];
type Call<M> =
  M extends DescMethodUnary<infer I, infer O>
    ? (request: MessageInitShape<I>, timeoutMs: number) => Promise<MessageShape<O>>
    : never;

/**
 * The Open Inference Protocol calls the `kserve` runtime makes, each with a deadline `timeoutMs`
 * from now; `close()` releases the channel.
 */
export interface KserveClient {
  modelReady: Call<Methods['modelReady']>;
  modelMetadata: Call<Methods['modelMetadata']>;
  modelInfer: Call<Methods['modelInfer']>;
  close(): void;
}

/** Thrown by {@link KserveClient} calls: the gRPC status of the failed call. */
export type KserveCallError = ServiceError;

/**
 * Largest response accepted, in bytes: a batch's outputs can exceed grpc-js' 4 MiB default; the
 * router's request limit keeps inputs far below this.
 */
const MAX_RECEIVE_MESSAGE_BYTES = 256 * 1024 * 1024;

/**
 * Creates a client of an upstream's GRPCInferenceService at `address`, over TLS with the system's
 * root certificates when `tls` is set. `@switchboard/grpc`'s client speaks insecure channels only,
 * and a remote Triton or KServe endpoint is often behind TLS.
 */
export function createKserveClient(address: string, tls: boolean): KserveClient {
  const client = new Client(address, tls ? credentials.createSsl() : credentials.createInsecure(), {
    'grpc.max_receive_message_length': MAX_RECEIVE_MESSAGE_BYTES,
    'grpc.max_send_message_length': -1,
  });
  const { modelReady, modelMetadata, modelInfer } = GRPCInferenceService.method;
  return {
    modelReady: (request, timeoutMs) => call(client, modelReady, request, timeoutMs),
    modelMetadata: (request, timeoutMs) => call(client, modelMetadata, request, timeoutMs),
    modelInfer: (request, timeoutMs) => call(client, modelInfer, request, timeoutMs),
    close: () => client.close(),
  };
}

function call<I extends DescMethodUnary['input'], O extends DescMethodUnary['output']>(
  client: Client,
  method: DescMethodUnary<I, O>,
  request: MessageInitShape<I>,
  timeoutMs: number,
): Promise<MessageShape<O>> {
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(
      `/${method.parent.typeName}/${method.name}`,
      (message: MessageShape<I>) => Buffer.from(toBinary(method.input, message)),
      (bytes: Buffer) => fromBinary(method.output, bytes),
      create(method.input, request),
      { deadline: Date.now() + timeoutMs },
      (error, response) => (error || response === undefined ? reject(error as Error) : resolve(response)),
    );
  });
}
