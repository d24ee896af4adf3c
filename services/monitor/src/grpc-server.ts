import type { ServiceHandlers } from '@switchboard/grpc';
import type { MonitorService } from '@switchboard/protocol';
import { selectWindow } from './select-window.js';
import type { TelemetryAggregator } from './telemetry-aggregator.js';

/**
 * MonitorService: figures straight from the in-memory aggregator (no I/O on the call path). Route
 * and tenant filters apply to request figures only; batches are per model.
 * Errors: INVALID_ARGUMENT for an unknown window (thrown by selectWindow, mapped in libs/grpc).
 */
export function createMonitorHandlers(
  aggregator: TelemetryAggregator,
): ServiceHandlers<typeof MonitorService> {
  return {
    async getStats(request) {
      const nowMs = Date.now();
      const selection = selectWindow(request.window, nowMs, aggregator.firstRecordAtMs);
      return {
        window: selection.window,
        atUnixMs: BigInt(nowMs),
        requests: aggregator.requestStats(request, selection),
        batches: aggregator.batchStats(request.model, selection),
      };
    },
  };
}
