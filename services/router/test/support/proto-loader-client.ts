import { credentials, loadPackageDefinition, Metadata } from '@grpc/grpc-js';
import type { Client, ClientDuplexStream, ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';

/** Per-call options: a deadline from now, and request headers (e.g. `authorization`, a W3C `traceparent`). */
export interface CallOptions {
  timeoutMs?: number;
  metadata?: Record<string, string>;
}

/**
 * A GRPCInferenceService client built with @grpc/proto-loader from .proto files alone, as a
 * third-party client would be: plain objects in and out, keepCase field names, int64 as numbers.
 */
export interface ProtoLoaderClient<M extends string = string> {
  call<T = Record<string, unknown>>(method: M, request: object, options?: CallOptions): Promise<T>;
  /** Opens ModelStreamInfer. */
  stream(options?: Pick<CallOptions, 'metadata'>): ClientDuplexStream<object, Record<string, unknown>>;
  close(): void;
}

type UnaryMethod = (
  request: object,
  metadata: Metadata,
  options: object,
  callback: (error: ServiceError | null, response: unknown) => void,
) => void;

function toMetadata(entries: Record<string, string> = {}): Metadata {
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(entries)) metadata.set(key, value);
  return metadata;
}

/**
 * Loads `file` (imports resolved from `includeDir`, as buf resolves them) and connects its
 * `inference.GRPCInferenceService` to `address` in plaintext.
 * @throws Error when the files define no GRPCInferenceService.
 */
export function createProtoLoaderClient<M extends string = string>(
  address: string,
  proto: { includeDir: string; file: string },
): ProtoLoaderClient<M> {
  const definition = loadSync(proto.file, {
    includeDirs: [proto.includeDir],
    keepCase: true,
    longs: Number,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  const inference = loadPackageDefinition(definition).inference as Record<
    string,
    new (...args: unknown[]) => Client
  >;
  const Service = inference.GRPCInferenceService;
  if (Service === undefined) throw new Error(`GRPCInferenceService missing from ${proto.file}`);
  const client = new Service(address, credentials.createInsecure()) as Client & Record<string, unknown>;
  return {
    call: (method, request, options = {}) =>
      new Promise((resolve, reject) => {
        const invoke = client[method] as UnaryMethod | undefined;
        if (invoke === undefined) return reject(new Error(`no method ${method}`));
        const deadline = options.timeoutMs === undefined ? {} : { deadline: Date.now() + options.timeoutMs };
        invoke.call(client, request, toMetadata(options.metadata), deadline, (error, response) =>
          error ? reject(error) : resolve(response as never),
        );
      }),
    stream: (options = {}) =>
      (
        client.ModelStreamInfer as (metadata: Metadata) => ClientDuplexStream<object, Record<string, unknown>>
      ).call(client, toMetadata(options.metadata)),
    close: () => client.close(),
  };
}
