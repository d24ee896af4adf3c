import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import { createSubjectNames, deleteNamespaceStreams } from '@switchboard/nats';
import { createTestNamespace, testInfrastructure } from '@switchboard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRateLimitBucket, TenantRateLimits } from '../src/admission/tenant-rate-limits.js';
import type { TierSettings } from '../src/config.js';

const LIMITED: TierSettings = {
  slaMs: 1_000,
  minQuality: 0,
  shareWeight: 1,
  ratePerSecond: 10,
  burst: 0,
  maxConcurrent: 0,
};

describe('per-tenant rate limits shared through the ratelimits bucket', () => {
  const namespace = createTestNamespace('ratelimits');
  const names = createSubjectNames(namespace);
  let replicas: NatsConnection[] = [];

  beforeAll(async () => {
    replicas = await Promise.all(
      [1, 2].map(() => connect({ servers: testInfrastructure().natsUrl, name: 'rate-limit-replica' })),
    );
  });

  afterAll(async () => {
    if (replicas[0] !== undefined) await deleteNamespaceStreams(replicas[0], namespace);
    await Promise.all(replicas.map((connection) => connection.close()));
  });

  it("counts a tenant's requests through two router replicas against one window", async () => {
    const [first, second] = await Promise.all(
      replicas.map(
        async (connection) =>
          new TenantRateLimits(await openRateLimitBucket(connection, names), { limited: LIMITED }),
      ),
    );
    const outcomes = await Promise.allSettled(
      Array.from({ length: 30 }, (_, index) =>
        (index % 2 === 0 ? first : second)!.consume('acme', 'limited', LIMITED),
      ),
    );

    const admitted = outcomes.filter((outcome) => outcome.status === 'fulfilled').length;
    // 10 per second in all, not 10 per replica (a window that turns over mid-run may add a few).
    expect(admitted).toBeGreaterThanOrEqual(10);
    expect(admitted).toBeLessThan(20);
    const refusal = outcomes.find((outcome) => outcome.status === 'rejected');
    expect(refusal?.reason).toMatchObject({ code: 8, retryAfterMs: expect.any(Number) });
    // Another tenant of the tier has its own window.
    await expect(first!.consume('globex', 'limited', LIMITED)).resolves.toBeUndefined();
  });
});
