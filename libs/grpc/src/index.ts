export type {
  CallOptions,
  GrpcCallError,
  GrpcClient,
  GrpcClientOptions,
  GrpcDuplexStream,
} from './create-client.js';
export { createGrpcClient } from './create-client.js';
export type { GrpcServerOptions, GrpcServiceRegistration, RunningGrpcServer } from './start-grpc-server.js';
export { serve, startGrpcServer } from './start-grpc-server.js';
export type { ServiceHandlers } from './service-implementation.js';
export type { GrpcStatusObject } from './to-grpc-status.js';
export { toGrpcStatus } from './to-grpc-status.js';
export { encodeRetryInfo, readRetryDelayMs, STATUS_DETAILS_KEY } from './status-details.js';
export { wireBytesOf } from './service-definition.js';
export { UnimplementedError } from './unimplemented-error.js';
export type { AdminTokenOptions } from './require-admin-token.js';
export { requireAdminToken } from './require-admin-token.js';
export type { ClientTlsFiles, ServerTlsFiles } from './tls-credentials.js';
export { adminMetadata } from './admin-metadata.js';
