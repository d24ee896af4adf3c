import type { DescService } from '@bufbuild/protobuf';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import type { Logger } from '@switchboard/logging';
import { HealthImplementation } from 'grpc-health-check';
import { addReflection } from './reflection.js';
import { toServiceDefinition } from './service-definition.js';
import { toServiceImplementation } from './service-implementation.js';
import { toServerCredentials } from './tls-credentials.js';
import type { ServerTlsFiles } from './tls-credentials.js';
import type { ServiceHandlers } from './service-implementation.js';

/** One service to serve with its handlers. Build it with {@link serve} to keep the pair type-checked. */
export interface GrpcServiceRegistration {
  service: DescService;
  handlers: Partial<ServiceHandlers<DescService>>;
}

/**
 * Pairs a service descriptor with its handlers, checking the handlers against the descriptor. A
 * method left out answers UNIMPLEMENTED; a service meant to serve every method declares its
 * handlers as `ServiceHandlers<S>` so that a missing one fails to compile.
 */
export function serve<S extends DescService>(
  service: S,
  handlers: Partial<ServiceHandlers<S>>,
): GrpcServiceRegistration {
  return { service, handlers: handlers as unknown as Partial<ServiceHandlers<DescService>> };
}

export interface GrpcServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  services: GrpcServiceRegistration[];
  logger: Logger;
  /** Largest request accepted, in bytes. @default 4 MiB (grpc-js' default) */
  maxReceiveMessageBytes?: number;
  /** TLS (and, with a client CA, mTLS) for the port. @default plaintext */
  tls?: ServerTlsFiles;
  /**
   * A second, plaintext port on `host` serving only grpc.health.v1 with the same statuses, for probes
   * that cannot speak TLS (Kubernetes' `grpc:` probe); 0 picks a free one. @default none
   */
  healthPort?: number;
}

/** A listening gRPC server with health (grpc.health.v1) and reflection. */
export interface RunningGrpcServer {
  /** The bound port (useful when 0 was requested). */
  readonly port: number;
  /** The bound plaintext health-only port, when one was asked for. */
  readonly healthPort?: number;
  /** Reports SERVING or NOT_SERVING for the server as a whole and for each of its services. */
  setServing(serving: boolean): void;
  /** Stops accepting calls, lets in-flight calls finish for up to `graceMs`, then cancels the rest. Idempotent. */
  stop(graceMs: number): Promise<void>;
}

const DEFAULT_MAX_RECEIVE_MESSAGE_BYTES = 4 * 1024 * 1024;

/**
 * Starts a grpc-js server serving the given services plus grpc.health.v1 and server reflection.
 * Health starts NOT_SERVING; the owner calls setServing(true) once its dependencies are up.
 */
export async function startGrpcServer(options: GrpcServerOptions): Promise<RunningGrpcServer> {
  // Read first: a missing certificate file stops the start before anything listens.
  const serverCredentials = toServerCredentials(options.tls);
  const server = new Server({
    'grpc.max_receive_message_length': options.maxReceiveMessageBytes ?? DEFAULT_MAX_RECEIVE_MESSAGE_BYTES,
  });
  const onUnexpectedError = (error: unknown, path: string) =>
    options.logger.error({ err: error, method: path }, 'unexpected error in gRPC handler');
  for (const { service, handlers } of options.services) {
    server.addService(
      toServiceDefinition(service),
      toServiceImplementation(service, handlers, onUnexpectedError),
    );
  }
  const serviceNames = ['', ...options.services.map(({ service }) => service.typeName)];
  const health = new HealthImplementation(
    Object.fromEntries(serviceNames.map((name) => [name, 'NOT_SERVING'])),
  );
  health.addToServer(server);
  addReflection(
    server,
    options.services.map(({ service }) => service),
  );
  const port = await bind(server, `${options.host}:${options.port}`, serverCredentials);
  const healthListener = await startHealthServer(health, options.host, options.healthPort).catch(
    async (error: unknown) => {
      await shutdown(server, 0);
      throw error;
    },
  );
  const healthServer = healthListener?.server;
  let stopping: Promise<void> | undefined;
  return {
    port,
    ...(healthListener === undefined ? {} : { healthPort: healthListener.port }),
    setServing(serving) {
      for (const name of serviceNames) health.setStatus(name, serving ? 'SERVING' : 'NOT_SERVING');
    },
    stop(graceMs) {
      // Health goes first: a probe must not see the port answer once the service stops taking calls.
      stopping ??= (healthServer === undefined ? Promise.resolve() : shutdown(healthServer, 0)).then(() =>
        shutdown(server, graceMs),
      );
      return stopping;
    },
  };
}

/** The plaintext health-only listener, when a port is given. */
async function startHealthServer(
  health: HealthImplementation,
  host: string,
  port: number | undefined,
): Promise<{ server: Server; port: number } | undefined> {
  if (port === undefined) return undefined;
  const server = new Server();
  health.addToServer(server);
  return { server, port: await bind(server, `${host}:${port}`, ServerCredentials.createInsecure()) };
}

function bind(server: Server, address: string, serverCredentials: ServerCredentials): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(address, serverCredentials, (error, port) => (error ? reject(error) : resolve(port)));
  });
}

function shutdown(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => server.forceShutdown(), graceMs);
    server.tryShutdown(() => {
      clearTimeout(force);
      resolve();
    });
  });
}
