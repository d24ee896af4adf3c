import { create } from '@bufbuild/protobuf';
import { BatchRecordSchema, RequestRecordSchema, StatsWindow } from '@switchboard/protocol';
import type { RequestRecord } from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';
import { selectWindow } from './select-window.js';
import { TelemetryAggregator } from './telemetry-aggregator.js';

const NOW_MS = Date.UTC(2026, 0, 1, 12, 0, 0);
const everything = { model: '', route: '', tenant: '' };

function request(atMs: number, latencyUs: number, fields: { statusCode?: number } = {}): RequestRecord {
  return create(RequestRecordSchema, {
    model: 'm',
    version: '1',
    route: 'r',
    tenant: 't',
    latencyUs: BigInt(latencyUs),
    costMicros: 2.5,
    atUnixMs: BigInt(atMs),
    ...fields,
  });
}

/** Applies records at consecutive sequences starting after the aggregator's position. */
function feed(aggregator: TelemetryAggregator, records: readonly RequestRecord[]): void {
  for (const record of records)
    aggregator.applyRequest(aggregator.lastSequence + 1, Number(record.atUnixMs), record);
}

const statsOf = (aggregator: TelemetryAggregator, window: StatsWindow) =>
  aggregator.requestStats(everything, selectWindow(window, NOW_MS, aggregator.firstRecordAtMs));

describe('TelemetryAggregator', () => {
  it('counts a sequence once, however often it is delivered', () => {
    const aggregator = new TelemetryAggregator();
    const record = request(NOW_MS, 1_000);

    expect(aggregator.applyRequest(5, NOW_MS, record)).toBe(true);
    expect(aggregator.applyRequest(5, NOW_MS, record)).toBe(false);
    expect(aggregator.applyRequest(4, NOW_MS, record)).toBe(false);
    expect(statsOf(aggregator, StatsWindow.SINCE_START)[0]?.count).toBe(1n);
  });

  it('puts records in windows by their own time', () => {
    const aggregator = new TelemetryAggregator();
    feed(aggregator, [
      request(NOW_MS - 1_000, 1_000),
      request(NOW_MS - 120_000, 2_000),
      request(NOW_MS - 3_600_000, 3_000),
    ]);

    expect(statsOf(aggregator, StatsWindow.ONE_MINUTE)[0]?.count).toBe(1n);
    expect(statsOf(aggregator, StatsWindow.FIVE_MINUTES)[0]?.count).toBe(2n);
    expect(statsOf(aggregator, StatsWindow.SINCE_START)[0]).toMatchObject({ count: 3n, latencyMaxMs: 3 });
  });

  it('restores from its state to the same figures and position', () => {
    const aggregator = new TelemetryAggregator();
    feed(
      aggregator,
      Array.from({ length: 200 }, (_, index) =>
        request(NOW_MS - index * 1_500, 100 + index * 37, { statusCode: index % 7 === 0 ? 4 : 0 }),
      ),
    );
    aggregator.applyBatch(
      aggregator.lastSequence + 1,
      NOW_MS,
      create(BatchRecordSchema, { model: 'm', size: 4, executeUs: 900n, utilisation: 0.5 }),
    );

    const restored = TelemetryAggregator.fromState(JSON.parse(JSON.stringify(aggregator.toState())));

    expect(restored.lastSequence).toBe(aggregator.lastSequence);
    for (const window of [StatsWindow.ONE_MINUTE, StatsWindow.FIVE_MINUTES, StatsWindow.SINCE_START]) {
      expect(statsOf(restored, window)).toEqual(statsOf(aggregator, window));
      const selection = selectWindow(window, NOW_MS, aggregator.firstRecordAtMs);
      expect(restored.batchStats('', selection)).toEqual(aggregator.batchStats('', selection));
    }
  });

  it('hands finished minutes out once and takes them back when their write failed', () => {
    const aggregator = new TelemetryAggregator();
    const minuteMs = Math.floor(NOW_MS / 60_000) * 60_000 - 120_000;
    feed(aggregator, [request(minuteMs + 10, 1_000), request(minuteMs + 20, 2_000), request(NOW_MS, 3_000)]);

    const finished = aggregator.takeFinishedMinutes(NOW_MS);
    expect(finished.map((rollup) => [rollup.minuteMs, rollup.counters.count])).toEqual([[minuteMs, 2]]);
    expect(aggregator.takeFinishedMinutes(NOW_MS)).toEqual([]);

    aggregator.putBackMinutes(finished);
    expect(aggregator.takeFinishedMinutes(NOW_MS).map((rollup) => rollup.counters.count)).toEqual([2]);
  });

  it('starts the position over when the stream was recreated, keeping the figures', () => {
    const aggregator = new TelemetryAggregator();
    aggregator.followStream('2026-01-01T00:00:00Z', 0);
    feed(aggregator, [request(NOW_MS, 1_000), request(NOW_MS, 1_000)]);

    expect(aggregator.followStream('2026-01-01T00:00:00Z', 2)).toBe(false);
    expect(aggregator.followStream('2026-02-01T00:00:00Z', 5)).toBe(true);
    expect(aggregator.lastSequence).toBe(0);
    expect(aggregator.applyRequest(1, NOW_MS, request(NOW_MS, 1_000))).toBe(true);
    expect(statsOf(aggregator, StatsWindow.SINCE_START)[0]?.count).toBe(3n);
  });
});
