import { Counter, Gauge } from '@switchboard/metrics';
import type { Registry } from '@switchboard/metrics';
import type { CanaryStatus } from './canary-store.js';

/** The canary watcher's Prometheus metrics. Route labels are registry routes only. */
export interface CanaryMetrics {
  /** Counts a canary's end: promoted, rolled back, or withdrawn before a verdict. */
  canaryFinished(route: string, status: Exclude<CanaryStatus, 'watching'>): void;
  /** Shows how many canaries are being watched. */
  canariesWatched(count: number): void;
}

/** Registers the canary metrics on `registry`. */
export function createCanaryMetrics(registry: Registry): CanaryMetrics {
  const registers = [registry];
  const verdicts = new Counter({
    name: 'switchboard_optimizer_canary_verdicts_total',
    help: 'Canaries ended, by route and verdict (promoted, rolled_back, withdrawn: the arm left the route first).',
    labelNames: ['route', 'verdict'],
    registers,
  });
  const watched = new Gauge({
    name: 'switchboard_optimizer_canaries_watched',
    help: 'Rollout arms being watched as canaries.',
    registers,
  });
  return {
    canaryFinished: (route, status) => verdicts.inc({ route, verdict: status }),
    canariesWatched: (count) => watched.set(count),
  };
}
