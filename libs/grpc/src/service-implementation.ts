import type { DescMethodUnary, DescService, MessageInitShape, MessageShape } from '@bufbuild/protobuf';
import { create } from '@bufbuild/protobuf';
import type { ServerUnaryCall, UntypedServiceImplementation, sendUnaryData } from '@grpc/grpc-js';
import { endServerSpan, runInServerSpan } from './server-span.js';
import { toGrpcStatus, toServiceError } from './to-grpc-status.js';

/** A handler for one unary method: gets the decoded request, returns the response (or its init shape). */
type UnaryHandler<M> =
  M extends DescMethodUnary<infer I, infer O>
    ? (
        request: MessageShape<I>,
        call: ServerUnaryCall<MessageShape<I>, MessageShape<O>>,
      ) => Promise<MessageInitShape<O>>
    : never;

/** Handlers for every method of a service, keyed by the method's local (camelCase) name. */
export type ServiceHandlers<S extends DescService> = {
  [K in keyof S['method']]: UnaryHandler<S['method'][K]>;
};

/** Receives errors that were not Switchboard errors, which become INTERNAL; log them with their cause. */
export type UnexpectedErrorHandler = (error: unknown, methodPath: string) => void;

/**
 * Adapts async handlers to grpc-js callbacks: responses are completed with `create`, thrown errors
 * go through {@link toGrpcStatus}, and unexpected ones are reported to `onUnexpectedError`. Each
 * call runs in a SERVER span (see runInServerSpan).
 */
export function toServiceImplementation<S extends DescService>(
  service: S,
  handlers: ServiceHandlers<S>,
  onUnexpectedError: UnexpectedErrorHandler,
): UntypedServiceImplementation {
  const implementation: UntypedServiceImplementation = {};
  for (const method of service.methods) {
    const handler = (handlers as Record<string, UnaryHandler<DescMethodUnary>>)[method.localName];
    if (handler === undefined) {
      throw new Error(`no handler for ${service.typeName}.${method.name}`);
    }
    implementation[method.localName] = (
      call: ServerUnaryCall<unknown, unknown>,
      callback: sendUnaryData<unknown>,
    ) =>
      runInServerSpan(method, call.metadata, (span) => {
        handler(call.request as never, call as never).then(
          (response) => {
            callback(null, create(method.output, response as never));
            endServerSpan(span, undefined);
          },
          (error: unknown) => {
            const status = toGrpcStatus(error);
            if (status.unexpected) onUnexpectedError(error, `/${service.typeName}/${method.name}`);
            callback(toServiceError(status));
            endServerSpan(span, status, error);
          },
        );
      });
  }
  return implementation;
}
