import { createGrpcClient } from '@switchboard/grpc';
import type { GrpcClient } from '@switchboard/grpc';
import {
  GRPCInferenceService,
  MonitorService,
  OptimizerService,
  RegistryService,
  ResourceManagerService,
} from '@switchboard/protocol';

/** The gRPC ports `up` starts the services on. */
export interface SystemPorts {
  readonly routerPort: string;
  readonly registryPort: string;
  readonly monitorPort: string;
  readonly optimizerPort: string;
  readonly resourceManagerPort: string;
}

/** The gRPC clients `up` talks to the services with, on 127.0.0.1 and the configured ports. */
export interface SystemClients {
  readonly registry: GrpcClient<typeof RegistryService>;
  readonly router: GrpcClient<typeof GRPCInferenceService>;
  readonly monitor: GrpcClient<typeof MonitorService>;
  readonly optimizer: GrpcClient<typeof OptimizerService>;
  readonly resourceManager: GrpcClient<typeof ResourceManagerService>;
  readonly addresses: {
    readonly registry: string;
    readonly router: string;
    readonly monitor: string;
    readonly optimizer: string;
    readonly resourceManager: string;
  };
  close(): void;
}

/**
 * Clients for every service on 127.0.0.1: the admin ones (registry, optimizer, resource manager)
 * send `metadata.admin`, the router `metadata.router`.
 */
export function createSystemClients(
  ports: SystemPorts,
  metadata: { admin: Record<string, string>; router: Record<string, string> },
): SystemClients {
  const addresses = {
    registry: `127.0.0.1:${ports.registryPort}`,
    router: `127.0.0.1:${ports.routerPort}`,
    monitor: `127.0.0.1:${ports.monitorPort}`,
    optimizer: `127.0.0.1:${ports.optimizerPort}`,
    resourceManager: `127.0.0.1:${ports.resourceManagerPort}`,
  };
  const admin = { metadata: metadata.admin };
  const registry = createGrpcClient(RegistryService, addresses.registry, admin);
  const router = createGrpcClient(GRPCInferenceService, addresses.router, { metadata: metadata.router });
  const monitor = createGrpcClient(MonitorService, addresses.monitor);
  const optimizer = createGrpcClient(OptimizerService, addresses.optimizer, admin);
  const resourceManager = createGrpcClient(ResourceManagerService, addresses.resourceManager, admin);
  return {
    registry,
    router,
    monitor,
    optimizer,
    resourceManager,
    addresses,
    close() {
      registry.close();
      router.close();
      monitor.close();
      optimizer.close();
      resourceManager.close();
    },
  };
}
