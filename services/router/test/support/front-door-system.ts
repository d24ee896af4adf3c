import { createLogger } from '@switchboard/logging';
import { classifierModelSpecs } from '@switchboard/models';
import { loadConfig as loadMonitorConfig, start as startMonitor } from '@switchboard/monitor';
import { findFreePort } from '@switchboard/testkit';
import { startTestSystem } from './test-system.js';
import type { TestSystem } from './test-system.js';

/** A test system whose router reaches a real monitor, with classifier-small served. */
export interface FrontDoorSystem {
  readonly system: TestSystem;
  /** Where the router expects the resource manager; nothing listens there until the test starts one. */
  readonly resourceManagerPort: number;
  /** Stops the monitor, then the system. */
  stop(): Promise<void>;
}

/**
 * Starts what Triton's extension calls need behind the router: the monitor (ModelStatistics) on a
 * free port, the classifiers registered and classifier-small served by a worker, and the resource
 * manager's address reserved (RepositoryModelLoad/Unload).
 */
export async function startFrontDoorSystem(label: string): Promise<FrontDoorSystem> {
  const monitorPort = await findFreePort();
  const resourceManagerPort = await findFreePort();
  const system = await startTestSystem(label, {
    ROUTER_MONITOR_ADDRESS: `127.0.0.1:${monitorPort}`,
    ROUTER_RESOURCE_MANAGER_ADDRESS: `127.0.0.1:${resourceManagerPort}`,
  });
  const monitor = await startMonitor(
    loadMonitorConfig({
      ...system.environment,
      MONITOR_HOST: '127.0.0.1',
      MONITOR_PORT: String(monitorPort),
    }),
    createLogger({ service: 'monitor', level: 'silent' }),
  );
  for (const model of classifierModelSpecs()) await system.registry.registerModel({ model });
  await system.startWorker(['classifier-small']);
  await system.waitUntilReady('classifier-small');
  return {
    system,
    resourceManagerPort,
    stop: async () => {
      await monitor.stop();
      await system.stop();
    },
  };
}
