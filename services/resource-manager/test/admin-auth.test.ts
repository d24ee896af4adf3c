import { StatusCode } from '@switchboard/errors';
import { adminMetadata, createGrpcClient } from '@switchboard/grpc';
import type { GrpcCallError } from '@switchboard/grpc';
import { ResourceManagerService } from '@switchboard/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startResourceManagerSystem } from './support/resource-manager-system.js';
import type { ResourceManagerSystem } from './support/resource-manager-system.js';

const ADMIN_TOKEN = 'resource-manager-admin-token-51b0';

describe('resource manager admin auth', () => {
  let system: ResourceManagerSystem;

  beforeAll(async () => {
    system = await startResourceManagerSystem('rmadmin');
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('answers GetPlacement only with the admin token when one is set', async () => {
    const { manager, client } = await system.startResourceManager({
      RM_DRIVER: 'none',
      SWITCHBOARD_ADMIN_TOKEN: ADMIN_TOKEN,
    });
    const admin = createGrpcClient(ResourceManagerService, `127.0.0.1:${manager.port}`, {
      metadata: adminMetadata(ADMIN_TOKEN),
    });
    try {
      const refusal = await client.getPlacement({}).then(
        () => undefined,
        (error: unknown) => error as GrpcCallError,
      );

      expect(refusal?.code).toBe(StatusCode.UNAUTHENTICATED);
      expect(refusal?.details).toMatch(/^GetPlacement is an admin call/);
      expect(await admin.getPlacement({})).toBeDefined();
    } finally {
      admin.close();
    }
  });
});
