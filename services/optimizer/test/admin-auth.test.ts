import { StatusCode } from '@switchboard/errors';
import { adminMetadata, createGrpcClient } from '@switchboard/grpc';
import type { GrpcCallError, GrpcClient } from '@switchboard/grpc';
import { OptimizerService } from '@switchboard/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOptimizerTestBed, startOptimizerInProcess } from './optimizer-test-bed.js';
import type { InProcessOptimizer, OptimizerTestBed } from './optimizer-test-bed.js';

const ADMIN_TOKEN = 'optimizer-admin-token-7c3e1a';
const ROUTE = 'guarded';

function refusalOf(call: Promise<unknown>): Promise<GrpcCallError | undefined> {
  return call.then(
    () => undefined,
    (error: unknown) => error as GrpcCallError,
  );
}

describe('optimizer admin auth', () => {
  let bed: OptimizerTestBed;
  let running: InProcessOptimizer;
  let admin: GrpcClient<typeof OptimizerService>;

  beforeAll(async () => {
    bed = await createOptimizerTestBed('optadmin');
    await bed.registerRoute(ROUTE, [{ name: 'small', quality: 0.5 }]);
    running = await startOptimizerInProcess(bed, { SWITCHBOARD_ADMIN_TOKEN: ADMIN_TOKEN });
    admin = createGrpcClient(OptimizerService, `127.0.0.1:${running.optimizer.port}`, {
      metadata: adminMetadata(ADMIN_TOKEN),
    });
  });

  afterAll(async () => {
    admin?.close();
    await running?.stop();
    await bed?.close();
  });

  it('refuses route settings and outcome imports without the admin token', async () => {
    const settings = await refusalOf(running.client.setRouteSettings({ route: ROUTE, settings: {} }));
    const imported = await refusalOf(running.client.importOutcomes({ route: ROUTE, rows: [] }));

    expect(settings?.code).toBe(StatusCode.UNAUTHENTICATED);
    expect(settings?.details).toMatch(/^SetRouteSettings is an admin call/);
    expect(imported?.code).toBe(StatusCode.UNAUTHENTICATED);
  });

  it('accepts them with the token and keeps GetPolicy open', async () => {
    await admin.setRouteSettings({ route: ROUTE, settings: {} });

    expect((await running.client.getPolicy({ route: ROUTE })).settings).toBeDefined();
  });
});
