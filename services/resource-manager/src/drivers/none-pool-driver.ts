import type { PoolDriver } from './pool-driver.js';

/**
 * Leaves the pool to something else (KEDA, an HPA) that scales on the manager's
 * `switchboard_resource_manager_desired_workers` gauge; resizing does nothing more.
 */
export function createNonePoolDriver(): PoolDriver {
  return {
    name: 'none',
    async resize() {},
    owns: () => false,
    async stop() {},
  };
}
