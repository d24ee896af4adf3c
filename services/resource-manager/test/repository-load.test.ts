import { setTimeout as sleep } from 'node:timers/promises';
import { StatusCode as GrpcStatus } from '@switchboard/errors';
import { findFreePort, waitFor } from '@switchboard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startResourceManagerSystem, syntheticModel } from './support/resource-manager-system.js';
import type { ResourceManagerSystem } from './support/resource-manager-system.js';

const ADMIN_TOKEN = 'repository-load-admin-token';
const ADMIN = { authorization: `Bearer ${ADMIN_TOKEN}` };
/** Without a pin, a model idle this long is unloaded. */
const IDLE_UNLOAD_MS = 1_000;

async function failure(call: Promise<unknown>): Promise<{ code: number; details: string }> {
  return (await call.then(
    () => ({ code: GrpcStatus.OK, details: '' }),
    (error: unknown) => error as { code: number; details: string },
  )) as { code: number; details: string };
}

describe('RepositoryModelLoad and RepositoryModelUnload through the router', () => {
  let system: ResourceManagerSystem;

  const stateOf = async (model: string) => {
    const { models } = await system.router.repositoryIndex({});
    return models.find((entry) => entry.name === model)?.state;
  };

  beforeAll(async () => {
    const port = await findFreePort();
    system = await startResourceManagerSystem('repoload', {
      ROUTER_RESOURCE_MANAGER_ADDRESS: `127.0.0.1:${port}`,
    });
    await system.registry.registerModel({ model: syntheticModel('pinned', { latencyMs: 1 }) });
    await system.startResourceManager({
      RESOURCE_MANAGER_PORT: String(port),
      RM_DRIVER: 'none',
      RM_IDLE_UNLOAD: `${IDLE_UNLOAD_MS}ms`,
      SWITCHBOARD_ADMIN_TOKEN: ADMIN_TOKEN,
    });
    system.spawnWorker('repo-load-worker');
  }, 60_000);

  afterAll(async () => {
    await system?.stop();
  });

  it('keeps a loaded model placed past its idle period, and lets it go once unloaded', async () => {
    // Unpinned and idle, the model is unloaded after its idle period.
    await waitFor(async () => (await stateOf('pinned')) === 'UNAVAILABLE', {
      timeoutMs: 30_000,
      message: 'the idle model was never unloaded',
    });
    await system.router.repositoryModelLoad({ modelName: 'pinned' }, { metadata: ADMIN });
    await waitFor(async () => (await stateOf('pinned')) === 'READY', {
      timeoutMs: 30_000,
      message: 'the loaded model was never placed',
    });
    await sleep(IDLE_UNLOAD_MS * 4);
    expect(await stateOf('pinned')).toBe('READY');

    await system.router.repositoryModelUnload({ modelName: 'pinned' }, { metadata: ADMIN });
    await waitFor(async () => (await stateOf('pinned')) === 'UNAVAILABLE', {
      timeoutMs: 30_000,
      message: 'the unloaded model stayed placed',
    });
  }, 120_000);

  it('forwards the caller credential: no token is UNAUTHENTICATED, another token PERMISSION_DENIED', async () => {
    expect(await failure(system.router.repositoryModelLoad({ modelName: 'pinned' }))).toMatchObject({
      code: GrpcStatus.UNAUTHENTICATED,
      details: expect.stringContaining('admin token'),
    });
    const wrong = { authorization: 'Bearer not-the-admin-token-at-all' };
    expect(
      await failure(system.router.repositoryModelUnload({ modelName: 'pinned' }, { metadata: wrong })),
    ).toMatchObject({ code: GrpcStatus.PERMISSION_DENIED, details: expect.stringContaining('admin token') });
  });

  it('refuses an unknown model with NOT_FOUND and a malformed name with INVALID_ARGUMENT', async () => {
    expect(
      await failure(system.router.repositoryModelLoad({ modelName: 'no-such-model' }, { metadata: ADMIN })),
    ).toMatchObject({ code: GrpcStatus.NOT_FOUND, details: expect.stringContaining('no-such-model') });
    expect(
      await failure(system.router.repositoryModelLoad({ modelName: 'Not A Name' }, { metadata: ADMIN })),
    ).toMatchObject({ code: GrpcStatus.INVALID_ARGUMENT, details: expect.stringContaining('not a valid') });
  });
});
