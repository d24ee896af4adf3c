import { create } from '@bufbuild/protobuf';
import { GetPlacementResponseSchema, WorkerState } from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';
import { formatPlacement, formatPlacementJson } from './format-placement.js';

const GIB = 1024n ** 3n;
const MIB = 1024n ** 2n;
const AT = 1_796_579_487_000n; // 2026-12-06 17:51:27 UTC

/** What an active manager with two local workers and three models answers mid-ramp. */
function placement() {
  return create(GetPlacementResponseSchema, {
    active: true,
    managerId: 'rm-host-1a2b',
    epoch: 7n,
    policy: 'predictive',
    driver: 'local',
    desiredWorkers: 3,
    atUnixMs: AT,
    workers: [
      {
        workerId: 'rm-host-1a2b-w1',
        state: WorkerState.READY,
        capacity: { memoryBytes: 2n * GIB, slots: 4 },
        memoryUsedBytes: 1536n * MIB,
        utilisation: 0.734,
        models: [
          { name: 'text-small', version: '1', memoryBytes: 512n * MIB, loadMs: 1234.4, utilisation: 0.8 },
          { name: 'text-large', version: '2', memoryBytes: GIB, loadMs: 3410 },
        ],
        assigned: ['text-small', 'text-large'],
        lastHeartbeatUnixMs: AT - 400n,
        managed: true,
      },
      {
        workerId: 'gpu-node-7',
        state: WorkerState.DRAINING,
        capacity: { memoryBytes: 8n * GIB, slots: 8 },
        memoryUsedBytes: 0n,
        utilisation: 0,
        loading: ['text-small', 'vision'],
        lastHeartbeatUnixMs: AT - 1_200n,
        managed: false,
      },
    ],
    models: [
      {
        model: 'text-small',
        demandPerSecond: 42.36,
        forecastPerSecond: 57.9,
        forecaster: 'holt',
        forecastErrorPerSecond: 3.214,
        capacityPerReplica: 25,
        desiredReplicas: 3,
        servingReplicas: 2,
        reason: 'forecast',
        loadMs: 1234.4,
        predictedWaitMs: 180.4,
        memoryBytes: 512n * MIB,
        queued: 37n,
      },
      {
        model: 'text-large',
        demandPerSecond: 0,
        forecastPerSecond: 0,
        forecaster: 'seasonal',
        forecastErrorPerSecond: 0.05,
        capacityPerReplica: 4.5,
        desiredReplicas: 1,
        servingReplicas: 1,
        reason: 'keep-warm',
        loadMs: 3410,
        memoryBytes: GIB,
      },
      { model: 'vision', desiredReplicas: 1, reason: 'queue-wait', predictedWaitMs: 95_000, queued: 12n },
    ],
  });
}

/** The cells of each line, as formatTable separates them (two spaces or more). */
const cells = (text: string) => text.split('\n').map((line) => line.trim().split(/\s{2,}/));

describe('formatPlacement', () => {
  it('starts with the manager, its lease epoch, policy, driver, desired workers and the time', () => {
    expect(formatPlacement(placement()).split('\n')[0]).toBe(
      'resource manager rm-host-1a2b: active (lease epoch 7); policy predictive, driver local, desired workers 3 (at 2026-12-06 17:51:27 UTC)',
    );
  });

  it('says plainly when a standby answered, whose view may be stale', () => {
    const response = placement();
    response.active = false;

    expect(formatPlacement(response).split('\n')[0]).toBe(
      'resource manager rm-host-1a2b: standby: another replica holds the lease, so this view may be stale; policy predictive, driver local, desired workers 3 (at 2026-12-06 17:51:27 UTC)',
    );
  });

  it('lists workers with memory in binary units, utilisation, models with load times and what is loading', () => {
    const lines = cells(formatPlacement(placement()));

    expect(lines).toContainEqual(['workers (2)']);
    expect(lines).toContainEqual([
      'WORKER',
      'STATE',
      'MEMORY USED / CAPACITY',
      'UTIL%',
      'MODELS (LOAD TIME)',
      'LOADING',
      'HEARTBEAT',
      'MANAGED',
    ]);
    expect(lines).toContainEqual([
      'rm-host-1a2b-w1',
      'ready',
      '1.5 GiB / 2 GiB (75%)',
      '73',
      'text-small (1.2s), text-large (3.4s)',
      '-',
      '400ms ago',
      'yes',
    ]);
    expect(lines).toContainEqual([
      'gpu-node-7',
      'draining',
      '0 B / 8 GiB (0%)',
      '0',
      '-',
      'text-small, vision',
      '1.2s ago',
      'no',
    ]);
  });

  it('lists each model’s demand, forecast with its error, capacity, replicas, reason, wait, queue and cold start', () => {
    const lines = cells(formatPlacement(placement()));

    expect(lines).toContainEqual(['models (3)']);
    expect(lines).toContainEqual([
      'MODEL',
      'DEMAND RPS',
      'FORECAST RPS',
      'FORECASTER (ERROR RPS)',
      'RPS/REPLICA',
      'DESIRED/SERVING',
      'REASON',
      'PREDICTED WAIT',
      'QUEUED',
      'COLD START',
    ]);
    expect(lines).toContainEqual([
      'text-small',
      '42.4',
      '57.9',
      'holt (±3.21)',
      '25.0',
      '3/2',
      'forecast',
      '180ms',
      '37',
      '1.2s',
    ]);
    expect(lines).toContainEqual([
      'text-large',
      '0.00',
      '0.00',
      'seasonal (±0.05)',
      '4.50',
      '1/1',
      'keep-warm',
      '0ms',
      '0',
      '3.4s',
    ]);
    // Never measured yet: no forecaster, capacity or cold start to show.
    expect(lines).toContainEqual([
      'vision',
      '0.00',
      '0.00',
      '-',
      '-',
      '1/0',
      'queue-wait',
      '1m 35s',
      '12',
      '-',
    ]);
  });

  it('shows (none) for a manager that sees no workers and plans no models', () => {
    const empty = create(GetPlacementResponseSchema, { active: true, managerId: 'rm', atUnixMs: AT });

    expect(formatPlacement(empty).split('\n').slice(1)).toEqual([
      '',
      'workers (0)',
      '(none)',
      '',
      'models (0)',
      '(none)',
      '',
    ]);
  });
});

describe('formatPlacementJson', () => {
  it('writes every field, so a standby reads "active": false and int64s read as strings', () => {
    const response = placement();
    response.active = false;

    const json = JSON.parse(formatPlacementJson(response)) as Record<string, unknown>;

    expect(json).toMatchObject({ active: false, managerId: 'rm-host-1a2b', epoch: '7', desiredWorkers: 3 });
    expect(json['models']).toContainEqual(
      expect.objectContaining({ model: 'vision', servingReplicas: 0, queued: '12', forecaster: '' }),
    );
  });
});
