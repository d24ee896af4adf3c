import type { PathMeasurement } from './measure-paths.js';

/**
 * One line on how busy the machine was with things outside the bench (the `rest` CPU share) while
 * measuring, in cores. On a shared machine this says how far to trust the figures.
 * @returns undefined when CPU time could not be read (no /proc).
 */
export function describeBackgroundLoad(measurements: readonly PathMeasurement[]): string | undefined {
  const cores = measurements.flatMap((measurement) => {
    const rest = measurement.cpu.find((share) => share.name === 'rest');
    return rest === undefined ? [] : [(rest.usPerRequest * measurement.requestsPerSecond) / 1_000_000];
  });
  if (cores.length === 0) return undefined;
  const mean = cores.reduce((sum, value) => sum + value, 0) / cores.length;
  const busiest = Math.max(...cores);
  return `other load while measuring: ${mean.toFixed(2)} cores on average, ${busiest.toFixed(2)} at most (noisy above ~0.2)`;
}
