import type { CanaryMetric, CanarySettings, CanaryState } from '@switchboard/protocol';
import { formatTable } from '../format-table.js';
import { formatUtcTime } from '../format-utc-time.js';

/** `alpha 0.05; margins: latency 10%, error rate 0.01, quality 0.05; at least 200 requests and 50 feedback per arm`. */
export function describeCanarySettings(settings: CanarySettings | undefined): string {
  if (settings === undefined) return 'none';
  const minimum = settings.promoteWithoutFeedback
    ? `at least ${settings.minRequests} requests per arm, promoted without waiting for feedback`
    : `at least ${settings.minRequests} requests and ${settings.minFeedback} feedback per arm`;
  return (
    `alpha ${settings.alpha}; margins: latency ${percent(settings.latencyMargin)}, ` +
    `error rate ${settings.errorMargin}, quality ${settings.qualityMargin}; ${minimum}`
  );
}

/**
 * The route's canaries for a terminal: each arm against its stable arm, what became of it (or what
 * it waits for), and a table of its metrics — samples and means on each arm, how much worse the
 * canary is with the always-valid interval, the margin and the conclusion.
 */
export function formatCanaries(canaries: readonly CanaryState[]): string {
  if (canaries.length === 0) return 'canaries: none (the route has no rollout arms)\n';
  const lines = ['canaries:'];
  for (const canary of canaries) {
    const arm = `${canary.armModel}@${canary.armVersion}`;
    lines.push(
      `  ${arm} (${canary.percent}% of ${canary.candidate}@${canary.stableVersion}): ${describeStatus(canary)}`,
    );
    if (canary.metrics.length === 0) continue;
    const table = formatTable(
      ['METRIC', 'CANARY N', 'STABLE N', 'CANARY', 'STABLE', 'WORSE BY', 'INTERVAL', 'MARGIN', 'CONCLUSION'],
      canary.metrics.map(toMetricRow),
    );
    lines.push(
      ...table
        .trimEnd()
        .split('\n')
        .map((line) => `    ${line}`),
    );
  }
  return `${lines.join('\n')}\n`;
}

function describeStatus(canary: CanaryState): string {
  const at = (unixMs: bigint) => `${formatUtcTime(unixMs)} UTC`;
  switch (canary.status) {
    case 'watching':
      return `watching since ${at(canary.startedUnixMs)}: ${canary.reason}`;
    case 'not_watched':
      return `not watched: ${canary.reason}`;
    case 'withdrawn':
      return `withdrawn at ${at(canary.decidedUnixMs)}: ${canary.reason}`;
    default: {
      const verdict = canary.status === 'promoted' ? 'promoted' : 'rolled back';
      const applied = canary.appliedUnixMs > 0n ? 'applied' : 'not yet applied to the registry';
      const watchedSeconds = Number(canary.decidedUnixMs - canary.startedUnixMs) / 1000;
      return `${verdict} at ${at(canary.decidedUnixMs)} after ${watchedSeconds.toFixed(1)} s (${applied})`;
    }
  }
}

function toMetricRow(metric: CanaryMetric): string[] {
  const judged = metric.conclusion !== 'too_few_samples';
  if (metric.metric === 'latency') {
    const milliseconds = (logMs: number) => `${Math.exp(logMs).toFixed(2)} ms`;
    const ratio = (logRatio: number) => signedPercent(Math.expm1(logRatio));
    return [
      metric.metric,
      String(metric.canarySamples),
      String(metric.stableSamples),
      milliseconds(metric.canaryMean),
      milliseconds(metric.stableMean),
      ratio(metric.worseBy),
      judged ? `[${ratio(metric.lower)}, ${ratio(metric.upper)}]` : '-',
      percent(Math.expm1(metric.margin)),
      metric.conclusion,
    ];
  }
  const fixed = (value: number) => value.toFixed(3);
  return [
    metric.metric,
    String(metric.canarySamples),
    String(metric.stableSamples),
    fixed(metric.canaryMean),
    fixed(metric.stableMean),
    `${metric.worseBy >= 0 ? '+' : ''}${fixed(metric.worseBy)}`,
    judged ? `[${fixed(metric.lower)}, ${fixed(metric.upper)}]` : '-',
    fixed(metric.margin),
    metric.conclusion,
  ];
}

function percent(share: number): string {
  return `${Number((share * 100).toFixed(1))}%`;
}

function signedPercent(share: number): string {
  return `${share >= 0 ? '+' : ''}${(share * 100).toFixed(1)}%`;
}
