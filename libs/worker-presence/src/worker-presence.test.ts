import { create } from '@bufbuild/protobuf';
import { WorkerHeartbeatSchema, WorkerState } from '@switchboard/protocol';
import type { WorkerHeartbeat } from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';
import { WorkerPresence } from './worker-presence.js';

const INTERVAL_MS = 1_000;
const STARTED_AT_MS = 1_700_000_000_000;

interface HeartbeatInit {
  readonly workerId: string;
  readonly state?: WorkerState;
  readonly models?: readonly { name: string; version: string }[];
  readonly atMs?: number;
}

function heartbeat({
  workerId,
  state = WorkerState.READY,
  models = [{ name: 'classifier', version: '1' }],
  atMs = STARTED_AT_MS,
}: HeartbeatInit): WorkerHeartbeat {
  return create(WorkerHeartbeatSchema, {
    workerId,
    state,
    models: [...models],
    atUnixMs: BigInt(atMs),
    intervalMs: BigInt(INTERVAL_MS),
  });
}

/** A presence on a clock the test moves by hand. */
function createPresence() {
  const clock = { nowMs: STARTED_AT_MS };
  return { clock, presence: new WorkerPresence({ now: () => clock.nowMs }) };
}

describe('WorkerPresence', () => {
  it('serves a model a ready worker has loaded, at any version or the one it loaded', () => {
    const { presence } = createPresence();
    presence.record(heartbeat({ workerId: 'a' }));

    expect(presence.isServed('classifier')).toBe(true);
    expect(presence.isServed('classifier', '1')).toBe(true);
    expect(presence.isServed('classifier', '2')).toBe(false);
    expect(presence.isServed('other')).toBe(false);
  });

  it('keeps a worker until it has missed 3 heartbeats, then forgets it', () => {
    const { clock, presence } = createPresence();
    presence.record(heartbeat({ workerId: 'a' }));

    clock.nowMs = STARTED_AT_MS + 3 * INTERVAL_MS;
    expect(presence.isServed('classifier')).toBe(true);
    expect(presence.countByState()).toEqual({ ready: 1, draining: 0 });

    clock.nowMs += 1;
    expect(presence.isServed('classifier')).toBe(false);
    expect(presence.liveWorkers('classifier')).toBe(0);
    expect(presence.countByState()).toEqual({ ready: 0, draining: 0 });
  });

  it('takes the latest heartbeat of a worker as its state, so a draining worker serves nothing', () => {
    const { presence } = createPresence();
    presence.record(heartbeat({ workerId: 'a' }));
    presence.record(heartbeat({ workerId: 'a', state: WorkerState.DRAINING }));

    expect(presence.isServed('classifier')).toBe(false);
    expect(presence.liveWorkers('classifier')).toBe(0);
    expect(presence.countByState()).toEqual({ ready: 0, draining: 1 });
  });

  it('counts live ready workers per model, whatever version they loaded', () => {
    const { clock, presence } = createPresence();
    presence.record(heartbeat({ workerId: 'a' }));
    presence.record(heartbeat({ workerId: 'b', models: [{ name: 'classifier', version: '2' }] }));
    presence.record(heartbeat({ workerId: 'c', models: [{ name: 'other', version: '1' }] }));
    presence.record(heartbeat({ workerId: 'leaving', state: WorkerState.DRAINING }));
    presence.record(heartbeat({ workerId: 'dead', atMs: STARTED_AT_MS - 10 * INTERVAL_MS }));
    clock.nowMs += INTERVAL_MS;

    expect(presence.liveWorkers('classifier')).toBe(2);
    expect(presence.liveWorkers('other')).toBe(1);
    expect(presence.countByState()).toEqual({ ready: 3, draining: 1 });
  });

  it('lists the latest heartbeat of every live worker, ready or draining, and not the gone ones', () => {
    const { clock, presence } = createPresence();
    presence.record(heartbeat({ workerId: 'a' }));
    presence.record(heartbeat({ workerId: 'b', state: WorkerState.DRAINING }));
    presence.record(heartbeat({ workerId: 'gone', atMs: STARTED_AT_MS - 10 * INTERVAL_MS }));
    clock.nowMs += INTERVAL_MS;
    presence.record(heartbeat({ workerId: 'a', models: [], atMs: clock.nowMs }));

    expect(presence.workers().map(({ workerId, models }) => ({ workerId, models: models.length }))).toEqual([
      { workerId: 'a', models: 0 },
      { workerId: 'b', models: 1 },
    ]);
    clock.nowMs = STARTED_AT_MS + 3 * INTERVAL_MS + 1;
    expect(presence.workers().map(({ workerId }) => workerId)).toEqual(['a']);
  });

  it('counts a worker whose state is unspecified as neither ready nor draining', () => {
    const { presence } = createPresence();
    presence.record(heartbeat({ workerId: 'a', state: WorkerState.UNSPECIFIED }));

    expect(presence.isServed('classifier')).toBe(false);
    expect(presence.countByState()).toEqual({ ready: 0, draining: 0 });
  });
});
