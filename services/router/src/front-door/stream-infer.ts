import type { MessageInitShape } from '@bufbuild/protobuf';
import { toGrpcStatus } from '@switchboard/grpc';
import { statusCodeName } from '@switchboard/errors';
import type {
  ModelInferRequest,
  ModelInferResponseSchema,
  ModelStreamInferResponseSchema,
} from '@switchboard/protocol';

type InferResponse = MessageInitShape<typeof ModelInferResponseSchema>;
type StreamResponse = MessageInitShape<typeof ModelStreamInferResponseSchema>;

/**
 * Requests one stream may have in flight (being served or waiting to be written); the stream's
 * requests beyond it are not read until one is answered, so HTTP/2 flow control holds the client back.
 */
export const DEFAULT_STREAM_MAX_IN_FLIGHT = 64;

/** What {@link serveInferStream} needs from the transport and the inference path. */
export interface InferStream {
  /** The stream's requests, read one at a time as slots free up. */
  readonly requests: AsyncIterable<ModelInferRequest>;
  /** Serves one request (the ModelInfer path). */
  infer(request: ModelInferRequest): Promise<InferResponse>;
  /** Writes one response; resolves once the transport has taken it (or the stream is gone). */
  send(response: StreamResponse): Promise<void>;
  /** Told about failures that were not Switchboard errors (answered as "internal error"); log them. */
  onUnexpectedError(error: unknown): void;
  /** Whether the client went away; no further requests are read. */
  isCancelled(): boolean;
}

/**
 * The error_message of a failed request, as Triton puts it in ModelStreamInferResponse: the status
 * name and the message that says what to fix. Unknown errors say only "internal error".
 */
export function toStreamErrorMessage(error: unknown): { message: string; unexpected: boolean } {
  const status = toGrpcStatus(error);
  return { message: `${statusCodeName(status.code)}: ${status.details}`, unexpected: status.unexpected };
}

async function answer(stream: InferStream, request: ModelInferRequest): Promise<void> {
  let response: StreamResponse;
  try {
    response = { inferResponse: await stream.infer(request) };
  } catch (error) {
    const { message, unexpected } = toStreamErrorMessage(error);
    if (unexpected) stream.onUnexpectedError(error);
    // The id (and name) tell the client which of its requests failed; the stream stays open.
    response = {
      errorMessage: message,
      inferResponse: { id: request.id, modelName: request.modelName, modelVersion: request.modelVersion },
    };
  }
  await stream.send(response);
}

/**
 * ModelStreamInfer: one response per request, in the order they finish (clients match them by id),
 * a failure answered in that request's error_message while the stream stays open. Requests are
 * served concurrently, at most `maxInFlight` at a time. Resolves when the client has half-closed
 * and every request is answered, or once the client cancelled and the requests in flight ended.
 */
export async function serveInferStream(
  stream: InferStream,
  maxInFlight: number = DEFAULT_STREAM_MAX_IN_FLIGHT,
): Promise<void> {
  const inFlight = new Set<Promise<void>>();
  for await (const request of stream.requests) {
    if (stream.isCancelled()) break;
    const task = answer(stream, request).finally(() => inFlight.delete(task));
    inFlight.add(task);
    if (inFlight.size >= maxInFlight) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
}
