import { StatsWindow } from '@switchboard/protocol';
import type { BatchStats, GetStatsResponse, RequestStats } from '@switchboard/protocol';
import { formatRate } from './format-rate.js';
import { formatTable } from './format-table.js';
import { formatUtcTime } from './format-utc-time.js';

const WINDOW_LABELS: ReadonlyMap<StatsWindow, string> = new Map([
  [StatsWindow.ONE_MINUTE, 'last 1 min'],
  [StatsWindow.FIVE_MINUTES, 'last 5 min'],
  [StatsWindow.SINCE_START, 'since start'],
]);

/** Batch sizes listed in the SIZES column before the rest is summarised, so a row stays one line. */
const MAX_SIZES_SHOWN = 8;

/**
 * Renders a GetStats answer for a terminal: a request table (one row per model, version, route and
 * tenant) and a batch table (one row per model), each under a heading naming the window.
 */
export function formatStats(response: GetStatsResponse): string {
  const window = WINDOW_LABELS.get(response.window) ?? 'unknown window';
  return [
    `requests, ${window} (at ${formatUtcTime(response.atUnixMs)} UTC)\n`,
    formatTable(
      [
        'MODEL',
        'VERSION',
        'ROUTE',
        'TENANT',
        'COUNT',
        'ERR%',
        'P50 MS',
        'P95 MS',
        'P99 MS',
        'REQ/S',
        'COST/REQ µ$',
      ],
      response.requests.map(toRequestRow),
    ),
    `\nbatches, ${window}\n`,
    formatTable(
      ['MODEL', 'BATCHES', 'ITEMS', 'MEAN SIZE', 'EXEC P50 MS', 'EXEC P99 MS', 'UTIL%', 'SIZES'],
      response.batches.map(toBatchRow),
    ),
  ].join('');
}

function toRequestRow(stats: RequestStats): string[] {
  const count = Number(stats.count);
  return [
    stats.model,
    stats.version || '-',
    stats.route || '-',
    stats.tenant || '-',
    String(count),
    count === 0 ? '-' : ((Number(stats.errors) * 100) / count).toFixed(1),
    formatMilliseconds(stats.latencyP50Ms),
    formatMilliseconds(stats.latencyP95Ms),
    formatMilliseconds(stats.latencyP99Ms),
    formatRate(stats.throughputPerSecond),
    stats.costPerRequestMicros.toFixed(2),
  ];
}

function toBatchRow(stats: BatchStats): string[] {
  const sizes = Object.entries(stats.sizeCounts)
    .map(([size, count]) => [Number(size), Number(count)] as const)
    .sort(([left], [right]) => left - right);
  const shown = sizes.slice(0, MAX_SIZES_SHOWN).map(([size, count]) => `${size}:${count}`);
  if (sizes.length > MAX_SIZES_SHOWN) shown.push(`+${sizes.length - MAX_SIZES_SHOWN} more`);
  return [
    stats.model,
    String(stats.batches),
    String(stats.items),
    stats.meanBatchSize.toFixed(1),
    formatMilliseconds(stats.executeP50Ms),
    formatMilliseconds(stats.executeP99Ms),
    (stats.utilisation * 100).toFixed(1),
    shown.join(' '),
  ];
}

/** About three significant digits: 0.412, 7.61, 14.5, 130. */
function formatMilliseconds(value: number): string {
  if (value < 10) return value.toFixed(value < 1 ? 3 : 2);
  return value < 100 ? value.toFixed(1) : value.toFixed(0);
}
