import { toJson } from '@bufbuild/protobuf';
import { GetPlacementResponseSchema, WorkerStateSchema } from '@switchboard/protocol';
import type { GetPlacementResponse, ModelPlan, WorkerPlacement } from '@switchboard/protocol';
import prettyBytes from 'pretty-bytes';
import prettyMilliseconds from 'pretty-ms';
import { enumShortName } from './enum-names.js';
import { formatRate } from './format-rate.js';
import { formatTable } from './format-table.js';
import { formatUtcTime } from './format-utc-time.js';

/**
 * Renders a GetPlacement answer for a terminal: a line about the manager (which one, whether it
 * holds the lease, its policy, driver and desired pool size), a table of workers (memory in binary
 * units, utilisation, models with their cold start) and a table of the per-model plan (demand,
 * forecast and its error, replicas wanted and serving, why, the predicted wait).
 */
export function formatPlacement(response: GetPlacementResponse): string {
  return [
    `${describeManager(response)}\n`,
    `\nworkers (${response.workers.length})\n`,
    formatTable(
      [
        'WORKER',
        'STATE',
        'MEMORY USED / CAPACITY',
        'UTIL%',
        'MODELS (LOAD TIME)',
        'LOADING',
        'HEARTBEAT',
        'MANAGED',
      ],
      response.workers.map((worker) => toWorkerRow(worker, response.atUnixMs)),
    ),
    `\nmodels (${response.models.length})\n`,
    formatTable(
      [
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
      ],
      response.models.map(toModelRow),
    ),
  ].join('');
}

/**
 * The answer as protobuf JSON for scripts, every field included: a standby's `"active": false`
 * and zero counts are written out rather than left for the reader to assume.
 */
export function formatPlacementJson(response: GetPlacementResponse): string {
  const json = toJson(GetPlacementResponseSchema, response, { alwaysEmitImplicit: true });
  return `${JSON.stringify(json, null, 2)}\n`;
}

function describeManager(response: GetPlacementResponse): string {
  // A standby answers from what it last saw while watching; its figures may be old or empty.
  const role = response.active
    ? `active (lease epoch ${response.epoch})`
    : 'standby: another replica holds the lease, so this view may be stale';
  return (
    `resource manager ${response.managerId || '(unnamed)'}: ${role}; policy ${response.policy || '-'}, ` +
    `driver ${response.driver || '-'}, desired workers ${response.desiredWorkers} ` +
    `(at ${formatUtcTime(response.atUnixMs)} UTC)`
  );
}

function toWorkerRow(worker: WorkerPlacement, atUnixMs: bigint): string[] {
  const capacityBytes = Number(worker.capacity?.memoryBytes ?? 0n);
  const usedBytes = Number(worker.memoryUsedBytes);
  const share = capacityBytes > 0 ? ` (${Math.round((usedBytes * 100) / capacityBytes)}%)` : '';
  const models = worker.models.map(
    (model) => `${model.name} (${model.loadMs > 0 ? formatDuration(model.loadMs) : '-'})`,
  );
  const sinceHeartbeatMs = Number(atUnixMs - worker.lastHeartbeatUnixMs);
  return [
    worker.workerId,
    enumShortName(WorkerStateSchema, worker.state),
    `${formatBytes(usedBytes)} / ${capacityBytes > 0 ? formatBytes(capacityBytes) : '?'}${share}`,
    (worker.utilisation * 100).toFixed(0),
    listOrDash(models),
    listOrDash(worker.loading),
    worker.lastHeartbeatUnixMs > 0n ? `${formatDuration(Math.max(0, sinceHeartbeatMs))} ago` : '-',
    worker.managed ? 'yes' : 'no',
  ];
}

function toModelRow(plan: ModelPlan): string[] {
  return [
    plan.model,
    formatRate(plan.demandPerSecond),
    formatRate(plan.forecastPerSecond),
    plan.forecaster === '' ? '-' : `${plan.forecaster} (±${formatRate(plan.forecastErrorPerSecond)})`,
    plan.capacityPerReplica > 0 ? formatRate(plan.capacityPerReplica) : '-',
    `${plan.desiredReplicas}/${plan.servingReplicas}`,
    plan.reason || '-',
    formatDuration(plan.predictedWaitMs),
    plan.queued.toString(),
    plan.loadMs > 0 ? formatDuration(plan.loadMs) : '-',
  ];
}

/** Binary units, as memory is sized: `512 MiB`, `1.5 GiB`. */
function formatBytes(bytes: number): string {
  return prettyBytes(bytes, { binary: true });
}

/** `350ms`, `1.2s`, `2m 5s`; below a millisecond rounds to `0ms`. */
function formatDuration(milliseconds: number): string {
  return prettyMilliseconds(Math.round(milliseconds));
}

function listOrDash(items: readonly string[]): string {
  return items.length === 0 ? '-' : items.join(', ');
}
