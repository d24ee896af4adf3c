import { create } from '@bufbuild/protobuf';
import { ModelSpecSchema, WorkerState } from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';
import { createHeartbeatState } from './heartbeat-state.js';
import type { HostedModel } from './model-host.js';

/** One hosted model with one version busy for `busyMs` so far. */
function hosted(busyMs: number): HostedModel {
  const version = {
    version: '1',
    footprintBytes: 300,
    loadMs: 1_250,
    lastUsedUnixMs: 9_000,
    busyMs,
    inFlight: 2,
  };
  return {
    spec: create(ModelSpecSchema, { name: 'm', runtime: 'synthetic' }),
    versions: [version],
    footprintBytes: 300,
    inFlight: 2,
    maxQueueDelayMs: 0,
  };
}

describe('createHeartbeatState', () => {
  it('reports capacity, memory used, the epoch, loading models and per-version cold start and use', () => {
    const clock = { nowMs: 10_000 };
    let busyMs = 0;
    const state = createHeartbeatState({
      workerId: 'w',
      memoryBytes: 1_000,
      slots: 2,
      state: () => WorkerState.READY,
      loaded: () => [hosted(busyMs)],
      loading: () => ['next'],
      assignmentEpoch: () => 7n,
      now: () => clock.nowMs,
    });

    clock.nowMs += 1_000;
    busyMs = 500;
    const beat = state();

    expect(beat).toMatchObject({
      workerId: 'w',
      capacity: { memoryBytes: 1_000n, slots: 2 },
      memoryUsedBytes: 300n,
      loading: ['next'],
      assignmentEpoch: 7n,
      inFlight: 2,
      utilisation: 0.25,
    });
    expect(beat.models).toEqual([
      {
        name: 'm',
        version: '1',
        runtime: 'synthetic',
        memoryBytes: 300n,
        loadMs: 1_250,
        lastUsedUnixMs: 9_000n,
        utilisation: 0.5,
        inFlight: 2,
      },
    ]);
  });

  it('measures utilisation since the previous beat only', () => {
    const clock = { nowMs: 0 };
    let busyMs = 0;
    const state = createHeartbeatState({
      workerId: 'w',
      memoryBytes: 1_000,
      slots: 1,
      state: () => WorkerState.READY,
      loaded: () => [hosted(busyMs)],
      loading: () => [],
      assignmentEpoch: () => 0n,
      now: () => clock.nowMs,
    });

    clock.nowMs = 1_000;
    busyMs = 1_000;
    expect(state().utilisation).toBe(1);
    clock.nowMs = 3_000;
    busyMs = 1_500;
    expect(state().utilisation).toBe(0.25);
    clock.nowMs = 4_000;
    expect(state().models?.[0]?.utilisation).toBe(0);
  });
});
