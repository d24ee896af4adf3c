import { loadConfig as loadMonitorConfig } from '@switchboard/monitor';
import { loadConfig as loadOptimizerConfig } from '@switchboard/optimizer';
import { loadConfig as loadRegistryConfig } from '@switchboard/registry';
import { loadConfig as loadResourceManagerConfig } from '@switchboard/resource-manager';
import { loadConfig as loadRouterConfig } from '@switchboard/router';
import { loadConfig as loadWorkerConfig } from '@switchboard/worker';
import type { ServiceConfig } from '@switchboard/config';
import type { ServiceName } from './workloads.js';

/** What the checks need from a service's parsed config. */
export interface DeployedConfig {
  readonly common: ServiceConfig;
  /** The gRPC port; undefined for the worker, which serves none. */
  readonly grpcPort: number | undefined;
  /** The plaintext grpc.health.v1 port (`GRPC_HEALTH_PORT`); undefined when unset, and for the worker. */
  readonly healthPort: number | undefined;
  readonly metricsPort: number;
  /** Everything the service's config.ts returned, for service-specific checks. */
  readonly full: Record<string, unknown>;
}

/**
 * Parses `environment` with the service's own config.ts (`loadConfig`), as the process would at start.
 * @throws ConfigError from the service when a variable is missing, malformed or contradicts another.
 */
export function loadDeployedConfig(
  service: ServiceName,
  environment: Record<string, string>,
): DeployedConfig {
  const withPort = (config: ServiceConfig & { port: number }) => ({
    common: config,
    grpcPort: config.port,
    healthPort: config.grpcTls.healthPort,
    metricsPort: config.metricsPort,
    full: config as unknown as Record<string, unknown>,
  });
  switch (service) {
    case 'router':
      return withPort(loadRouterConfig(environment));
    case 'registry':
      return withPort(loadRegistryConfig(environment));
    case 'monitor':
      return withPort(loadMonitorConfig(environment));
    case 'optimizer':
      return withPort(loadOptimizerConfig(environment));
    case 'resource-manager':
      return withPort(loadResourceManagerConfig(environment));
    case 'worker': {
      const config = loadWorkerConfig(environment);
      return {
        common: config,
        grpcPort: undefined,
        healthPort: undefined,
        metricsPort: config.metricsPort,
        full: config as unknown as Record<string, unknown>,
      };
    }
  }
}
