import type { DescMethodUnary, DescService, MessageInitShape, MessageShape } from '@bufbuild/protobuf';
import { create } from '@bufbuild/protobuf';
import { makeGenericClientConstructor, Metadata } from '@grpc/grpc-js';
import type { Client, ServiceError } from '@grpc/grpc-js';
import { toServiceDefinition } from './service-definition.js';
import { toChannelCredentials } from './tls-credentials.js';
import type { ClientTlsFiles } from './tls-credentials.js';

/** Per-call options. */
export interface CallOptions {
  /** Milliseconds from now until the call's deadline. */
  timeoutMs?: number;
  metadata?: Record<string, string>;
}

type UnaryCall<M> =
  M extends DescMethodUnary<infer I, infer O>
    ? (request: MessageInitShape<I>, options?: CallOptions) => Promise<MessageShape<O>>
    : never;

/** A promise-based client for a protobuf-es service; `close()` releases the channel. */
export type GrpcClient<S extends DescService> = { [K in keyof S['method']]: UnaryCall<S['method'][K]> } & {
  close(): void;
};

/** Thrown by client calls: the gRPC status of the failed call. */
export type GrpcCallError = ServiceError;

/** Options of a client, applying to every call. */
export interface GrpcClientOptions {
  /** TLS for the channel. @default plaintext */
  tls?: ClientTlsFiles;
  /** Metadata sent with every call (e.g. `authorization`); a call's own metadata wins. */
  metadata?: Record<string, string>;
}

/** Creates a client for `service` at `address` (host:port), plaintext unless `options.tls` is given. */
export function createGrpcClient<S extends DescService>(
  service: S,
  address: string,
  clientOptions: GrpcClientOptions = {},
): GrpcClient<S> {
  const Constructor = makeGenericClientConstructor(toServiceDefinition(service), service.typeName);
  const client = new Constructor(address, toChannelCredentials(clientOptions.tls)) as Client &
    Record<string, (...args: unknown[]) => unknown>;
  const calls: Record<string, unknown> = { close: () => client.close() };
  for (const method of service.methods) {
    calls[method.localName] = (request: never, options: CallOptions = {}) =>
      new Promise((resolve, reject) => {
        const metadata = new Metadata();
        const sent = { ...clientOptions.metadata, ...options.metadata };
        for (const [key, value] of Object.entries(sent)) metadata.set(key, value);
        const callOptions =
          options.timeoutMs === undefined ? {} : { deadline: Date.now() + options.timeoutMs };
        const invoke = client[method.localName];
        if (invoke === undefined) throw new Error(`client has no method ${method.localName}`);
        invoke.call(
          client,
          create(method.input, request),
          metadata,
          callOptions,
          (error: unknown, response: unknown) => (error ? reject(error as Error) : resolve(response)),
        );
      });
  }
  return calls as GrpcClient<S>;
}
