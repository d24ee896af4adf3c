import { fileURLToPath } from 'node:url';
import { credentials, loadPackageDefinition, Metadata } from '@grpc/grpc-js';
import type { Client, ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';

/** The OIP .proto, loaded with @grpc/proto-loader exactly as a third-party client would. */
const PROTO_ROOT = fileURLToPath(new URL('../../../../proto', import.meta.url));
const OIP_PROTO = 'inference/grpc_predict_v2.proto';

type Method = 'ServerLive' | 'ServerReady' | 'ModelReady' | 'ServerMetadata' | 'ModelMetadata' | 'ModelInfer';

/** A stock OIP client: plain objects in and out, keepCase field names, int64 as numbers. */
export interface OipClient {
  call<T = Record<string, unknown>>(
    method: Method,
    request: object,
    /** `metadata`: request headers, e.g. a W3C `traceparent`. */
    options?: { timeoutMs?: number; metadata?: Record<string, string> },
  ): Promise<T>;
  close(): void;
}

/** Builds a client from the .proto alone, without any of Switchboard's generated code. */
export function createOipClient(address: string): OipClient {
  const definition = loadSync(OIP_PROTO, {
    // Imports are relative to the proto root, as buf resolves them.
    includeDirs: [PROTO_ROOT],
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
  if (Service === undefined) throw new Error('GRPCInferenceService missing from the OIP proto');
  const client = new Service(address, credentials.createInsecure()) as Client &
    Record<
      string,
      (
        request: object,
        metadata: Metadata,
        options: object,
        callback: (error: ServiceError | null, response: unknown) => void,
      ) => void
    >;
  return {
    call: (method, request, options = {}) =>
      new Promise((resolve, reject) => {
        const callOptions =
          options.timeoutMs === undefined ? {} : { deadline: Date.now() + options.timeoutMs };
        const invoke = client[method];
        if (invoke === undefined) return reject(new Error(`no method ${method}`));
        const metadata = new Metadata();
        for (const [key, value] of Object.entries(options.metadata ?? {})) metadata.set(key, value);
        invoke.call(client, request, metadata, callOptions, (error, response) =>
          error ? reject(error) : resolve(response as never),
        );
      }),
    close: () => client.close(),
  };
}
