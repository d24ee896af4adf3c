import type {
  DescMethod,
  DescMethodBiDiStreaming,
  DescMethodUnary,
  DescService,
  MessageInitShape,
  MessageShape,
} from '@bufbuild/protobuf';
import { create } from '@bufbuild/protobuf';
import type {
  ServerDuplexStream,
  ServerUnaryCall,
  UntypedServiceImplementation,
  sendUnaryData,
} from '@grpc/grpc-js';
import { endServerSpan, runInServerSpan } from './server-span.js';
import { toGrpcStatus, toServiceError } from './to-grpc-status.js';
import type { GrpcStatusObject } from './to-grpc-status.js';
import { UnimplementedError } from './unimplemented-error.js';

/** A handler for one unary method: gets the decoded request, returns the response (or its init shape). */
type UnaryHandler<I extends DescMethodUnary['input'], O extends DescMethodUnary['output']> = (
  request: MessageShape<I>,
  call: ServerUnaryCall<MessageShape<I>, MessageShape<O>>,
) => Promise<MessageInitShape<O>>;

/**
 * A handler for one bidirectional streaming method: reads decoded requests from `call` and writes
 * responses (messages or init shapes) to it; the stream ends with OK when the promise resolves and
 * with the thrown error's status when it rejects.
 */
type BidiStreamingHandler<I extends DescMethodUnary['input'], O extends DescMethodUnary['output']> = (
  call: ServerDuplexStream<MessageShape<I>, MessageInitShape<O>>,
) => Promise<void>;

type MethodHandler<M> =
  M extends DescMethodUnary<infer I, infer O>
    ? UnaryHandler<I, O>
    : M extends DescMethodBiDiStreaming<infer I, infer O>
      ? BidiStreamingHandler<I, O>
      : never;

/** Handlers for every method of a service, keyed by the method's local (camelCase) name. */
export type ServiceHandlers<S extends DescService> = {
  [K in keyof S['method']]: MethodHandler<S['method'][K]>;
};

/** Receives errors that were not Switchboard errors, which become INTERNAL; log them with their cause. */
export type UnexpectedErrorHandler = (error: unknown, methodPath: string) => void;

type AnyUnaryHandler = (request: unknown, call: ServerUnaryCall<unknown, unknown>) => Promise<unknown>;
type AnyStreamHandler = (call: ServerDuplexStream<unknown, unknown>) => Promise<void>;

/**
 * Adapts async handlers to grpc-js callbacks: responses are completed with `create`, thrown errors
 * go through {@link toGrpcStatus}, and unexpected ones are reported to `onUnexpectedError`. Each
 * call runs in a SERVER span (see runInServerSpan). A method without a handler answers
 * UNIMPLEMENTED, as a server that does not know the method would.
 */
export function toServiceImplementation<S extends DescService>(
  service: S,
  handlers: Partial<ServiceHandlers<S>>,
  onUnexpectedError: UnexpectedErrorHandler,
): UntypedServiceImplementation {
  const implementation: UntypedServiceImplementation = {};
  const given = handlers as Record<string, unknown>;
  for (const method of service.methods) {
    const handler = given[method.localName] ?? unimplemented(method);
    const fail = (status: GrpcStatusObject, error: unknown) => {
      if (status.unexpected) onUnexpectedError(error, `/${service.typeName}/${method.name}`);
    };
    if (method.methodKind === 'bidi_streaming') {
      implementation[method.localName] = (call: ServerDuplexStream<unknown, unknown>) =>
        runInServerSpan(method, call.metadata, (span) => {
          (handler as AnyStreamHandler)(call).then(
            () => {
              call.end();
              endServerSpan(span, undefined);
            },
            (error: unknown) => {
              const status = toGrpcStatus(error);
              fail(status, error);
              // grpc-js ends a server stream with the status of an 'error' event.
              call.emit('error', toServiceError(status));
              endServerSpan(span, status, error);
            },
          );
        });
      continue;
    }
    if (method.methodKind !== 'unary') {
      throw new Error(`/${service.typeName}/${method.name} is ${method.methodKind}; not supported`);
    }
    implementation[method.localName] = (
      call: ServerUnaryCall<unknown, unknown>,
      callback: sendUnaryData<unknown>,
    ) =>
      runInServerSpan(method, call.metadata, (span) => {
        (handler as AnyUnaryHandler)(call.request, call).then(
          (response) => {
            callback(null, create(method.output, response as never));
            endServerSpan(span, undefined);
          },
          (error: unknown) => {
            const status = toGrpcStatus(error);
            fail(status, error);
            callback(toServiceError(status));
            endServerSpan(span, status, error);
          },
        );
      });
  }
  return implementation;
}

/** A handler answering UNIMPLEMENTED, for a method the service was registered without. */
function unimplemented(method: DescMethod): AnyUnaryHandler & AnyStreamHandler {
  return () =>
    Promise.reject(
      new UnimplementedError(`${method.parent.typeName}/${method.name} is not served by this server`),
    );
}
