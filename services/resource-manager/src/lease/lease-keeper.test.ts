import type { NatsConnection } from '@nats-io/transport-node';
import { createLogger } from '@switchboard/logging';
import { connectNats, createSubjectNames, deleteNamespaceStreams } from '@switchboard/nats';
import { createTestNamespace, testInfrastructure, waitFor } from '@switchboard/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LeaseKeeper, openLeaseBucket } from './lease-keeper.js';

/** Short enough for quick tests; renewals every 500 ms. */
const TTL_MS = 1_500;
/** Room for a busy machine: timers firing late, NATS answering slowly. */
const SLACK_MS = 750;
const logger = createLogger({ service: 'resource-manager', level: 'silent' });

interface Contender {
  readonly id: string;
  readonly connection: NatsConnection;
  readonly keeper: LeaseKeeper;
  /** Every onChange call, in order. */
  readonly changes: boolean[];
}

/** For each acquisition, whether another keeper still said it held the lease at that moment. */
let overlaps: boolean[] = [];

describe('LeaseKeeper', () => {
  let namespace: string;
  const contenders: Contender[] = [];

  beforeEach(() => {
    namespace = createTestNamespace('lease');
    overlaps = [];
  });

  afterEach(async () => {
    for (const { keeper } of contenders) await keeper.stop();
    const cleaner = await connectNats({
      url: testInfrastructure().natsUrl,
      name: 'lease-test-cleanup',
      logger,
    });
    await deleteNamespaceStreams(cleaner, namespace);
    await cleaner.close();
    await Promise.all(contenders.splice(0).map(({ connection }) => connection.close()));
  });

  /** A manager of its own: its own connection, so closing it stands for the process dying. */
  async function contender(id: string): Promise<Contender> {
    const connection = await connectNats({ url: testInfrastructure().natsUrl, name: id, logger });
    const kv = await openLeaseBucket(connection, createSubjectNames(namespace), TTL_MS);
    const changes: boolean[] = [];
    const keeper = new LeaseKeeper({
      kv,
      key: 'resource-manager',
      holderId: id,
      ttlMs: TTL_MS,
      logger,
      onChange: (held) => {
        changes.push(held);
        if (held) overlaps.push(contenders.some((other) => other !== entry && other.keeper.held()));
      },
    });
    const entry: Contender = { id, connection, keeper, changes };
    contenders.push(entry);
    return entry;
  }

  /** Two contenders started together; returns them as [holder, standby]. */
  async function startTwo(): Promise<[Contender, Contender]> {
    const first = await contender('manager-a');
    const second = await contender('manager-b');
    await Promise.all([first.keeper.start(), second.keeper.start()]);
    return first.keeper.held() ? [first, second] : [second, first];
  }

  it('lets exactly one of two keepers of a namespace hold the lease', async () => {
    const [holder, standby] = await startTwo();

    expect(holder.keeper.held()).toBe(true);
    expect(standby.keeper.held()).toBe(false);
    expect(holder.keeper.epoch()).toBeGreaterThan(0n);
    expect(standby.keeper.epoch()).toBeUndefined();
    expect(await standby.keeper.holder()).toBe(holder.id);
    expect(holder.changes).toEqual([true]);
    // Several renewals later nothing changed hands.
    await new Promise((resolve) => setTimeout(resolve, TTL_MS));
    expect(holder.keeper.held()).toBe(true);
    expect(standby.changes).toEqual([]);
  });

  it('passes the lease to the standby within the TTL, with a higher epoch, when the holder dies', async () => {
    const [holder, standby] = await startTwo();
    const deadEpoch = holder.keeper.epoch() ?? 0n;
    const watcher = await contender('manager-c');
    await watcher.keeper.start();

    // The holder's process is gone: its renewals fail from now on.
    await holder.connection.close();
    const diedAt = Date.now();
    await waitFor(() => standby.keeper.held() || watcher.keeper.held(), {
      timeoutMs: 3 * TTL_MS,
      intervalMs: 20,
    });
    const tookMs = Date.now() - diedAt;

    const successor = standby.keeper.held() ? standby : watcher;
    // The entry expires a TTL after the last renewal (at most a third of a TTL before the death) and
    // the standby tries every third of a TTL.
    expect(tookMs).toBeLessThanOrEqual(TTL_MS + TTL_MS / 3 + SLACK_MS);
    expect(successor.keeper.epoch()).toBeGreaterThan(deadEpoch);
    expect(await successor.keeper.holder()).toBe(successor.id);
    expect(holder.keeper.held()).toBe(false);
    expect(holder.changes).toEqual([true, false]);
    // The dead holder stopped saying it held the lease before anyone else could take it.
    expect(overlaps).toEqual([false, false]);
  });

  it('stops saying it holds the lease once a TTL passed without renewal, before its next renewal fails', async () => {
    const [holder] = await startTwo();

    // A stalled process (a long GC pause, a blocked event loop) renews nothing; its entry expires meanwhile.
    const stalledUntil = Date.now() + TTL_MS + 100;
    while (Date.now() < stalledUntil);

    expect(holder.keeper.held()).toBe(false);
    expect(holder.keeper.epoch()).toBeUndefined();
  });

  it('hands the lease over at the standby’s next try when the holder stops', async () => {
    const [holder, standby] = await startTwo();
    const firstEpoch = holder.keeper.epoch() ?? 0n;

    const stoppedAt = Date.now();
    await holder.keeper.stop();
    await waitFor(() => standby.keeper.held(), { timeoutMs: TTL_MS, intervalMs: 20 });

    expect(Date.now() - stoppedAt).toBeLessThan(TTL_MS / 3 + SLACK_MS);
    expect(standby.keeper.epoch()).toBeGreaterThan(firstEpoch);
    expect(holder.changes).toEqual([true, false]);
    expect(await holder.keeper.holder()).toBe(standby.id);
  });
});
