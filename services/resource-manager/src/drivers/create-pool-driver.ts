import { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from '@switchboard/logging';
import type { ResourceManagerConfig } from '../config.js';
import { createKubernetesPoolDriver } from './kubernetes-pool-driver.js';
import { createLocalPoolDriver } from './local-pool-driver.js';
import { createNonePoolDriver } from './none-pool-driver.js';
import type { PoolDriver } from './pool-driver.js';

/** The configuration createPoolDriver reads. */
export type PoolDriverConfig = Pick<
  ResourceManagerConfig,
  'driver' | 'managerId' | 'natsUrl' | 'namespace' | 'logLevel' | 'workerMemoryBytes' | 'local' | 'kubernetes'
>;

/**
 * The driver RM_DRIVER names. The desired size is published as `switchboard_resource_manager_desired_workers`
 * by the manager's own metrics each round, whatever the driver, so the drivers publish nothing.
 * @throws Error when the kubernetes driver runs outside a pod (no KUBERNETES_SERVICE_HOST).
 */
export function createPoolDriver(config: PoolDriverConfig, logger: Logger): PoolDriver {
  switch (config.driver) {
    case 'local':
      return createLocalPoolDriver({
        managerId: config.managerId,
        logDirectory: config.local.logDirectory,
        workerMemoryBytes: config.workerMemoryBytes,
        workerEnvironment: {
          NATS_URL: config.natsUrl,
          SWITCHBOARD_NAMESPACE: config.namespace,
          LOG_LEVEL: config.logLevel,
          ...config.local.workerEnvironment,
        },
        logger,
      });
    case 'kubernetes': {
      // loadFromCluster does not check: outside a pod every call would fail later against "https://undefined".
      if (process.env.KUBERNETES_SERVICE_HOST === undefined) {
        throw new Error('RM_DRIVER=kubernetes runs in a pod: KUBERNETES_SERVICE_HOST is not set');
      }
      const kubeConfig = new KubeConfig();
      kubeConfig.loadFromCluster();
      return createKubernetesPoolDriver({ kubeConfig, ...config.kubernetes, logger });
    }
    case 'none':
      return createNonePoolDriver();
  }
}
