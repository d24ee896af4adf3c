import type {
  DescMethodBiDiStreaming,
  DescMethodUnary,
  DescService,
  MessageInitShape,
  MessageShape,
} from '@bufbuild/protobuf';
import { create } from '@bufbuild/protobuf';
import { makeGenericClientConstructor, Metadata } from '@grpc/grpc-js';
import type { Client, ClientDuplexStream, ServiceError } from '@grpc/grpc-js';
import { toServiceDefinition } from './service-definition.js';
import { toChannelCredentials } from './tls-credentials.js';
import type { ClientTlsFiles } from './tls-credentials.js';

/** Per-call options. */
export interface CallOptions {
  /** Milliseconds from now until the call's deadline. */
  timeoutMs?: number;
  metadata?: Record<string, string>;
}

/** The client side of a bidirectional stream: write requests (or their init shapes), read responses. */
export type GrpcDuplexStream<I, O> = ClientDuplexStream<I, O>;

type MethodCall<M> =
  M extends DescMethodUnary<infer I, infer O>
    ? (request: MessageInitShape<I>, options?: CallOptions) => Promise<MessageShape<O>>
    : M extends DescMethodBiDiStreaming<infer I, infer O>
      ? (options?: CallOptions) => GrpcDuplexStream<MessageInitShape<I>, MessageShape<O>>
      : never;

/**
 * A client for a protobuf-es service: promise-based unary calls, duplex streams for bidirectional
 * methods; `close()` releases the channel.
 */
export type GrpcClient<S extends DescService> = { [K in keyof S['method']]: MethodCall<S['method'][K]> } & {
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
  const toMetadata = (options: CallOptions) => {
    const metadata = new Metadata();
    const sent = { ...clientOptions.metadata, ...options.metadata };
    for (const [key, value] of Object.entries(sent)) metadata.set(key, value);
    return metadata;
  };
  const toCallOptions = (options: CallOptions) =>
    options.timeoutMs === undefined ? {} : { deadline: Date.now() + options.timeoutMs };
  for (const method of service.methods) {
    const invoke = client[method.localName];
    if (invoke === undefined) throw new Error(`client has no method ${method.localName}`);
    if (method.methodKind === 'bidi_streaming') {
      calls[method.localName] = (options: CallOptions = {}) =>
        invoke.call(client, toMetadata(options), toCallOptions(options));
      continue;
    }
    calls[method.localName] = (request: never, options: CallOptions = {}) =>
      new Promise((resolve, reject) => {
        const metadata = toMetadata(options);
        const callOptions = toCallOptions(options);
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
