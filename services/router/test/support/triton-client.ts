import { fileURLToPath } from 'node:url';
import { credentials, loadPackageDefinition, Metadata } from '@grpc/grpc-js';
import type { Client, ClientDuplexStream, ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';

/**
 * Triton's published grpc_service.proto and model_config.proto, transcribed (names and numbers
 * only) apart from the server's own .proto files and generated code.
 */
export const TRITON_PROTO_DIR = fileURLToPath(new URL('../__fixtures__/triton', import.meta.url));

/** A client built with @grpc/proto-loader from Triton's .proto files alone: plain objects, keepCase names. */
export interface TritonClient {
  call<T = Record<string, unknown>>(
    method: string,
    request: object,
    options?: { timeoutMs?: number; metadata?: Record<string, string> },
  ): Promise<T>;
  stream(options?: {
    metadata?: Record<string, string>;
  }): ClientDuplexStream<object, Record<string, unknown>>;
  close(): void;
}

type UnaryMethod = (
  request: object,
  metadata: Metadata,
  options: object,
  callback: (error: ServiceError | null, response: unknown) => void,
) => void;

export function createTritonClient(address: string): TritonClient {
  const definition = loadSync('grpc_service.proto', {
    includeDirs: [TRITON_PROTO_DIR],
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
  if (Service === undefined) throw new Error("GRPCInferenceService missing from Triton's proto");
  const client = new Service(address, credentials.createInsecure()) as Client & Record<string, unknown>;
  const toMetadata = (entries: Record<string, string> = {}) => {
    const metadata = new Metadata();
    for (const [key, value] of Object.entries(entries)) metadata.set(key, value);
    return metadata;
  };
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
