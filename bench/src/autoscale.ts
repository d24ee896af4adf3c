/**
 * Benchmark `autoscale`: a bursty stretch of a real trace, time-compressed, through the running
 * system with the resource manager — predictive, reactive (KEDA/HPA-like) and static-peak scaling
 * compared on SLO misses and replica-seconds. See bench/README.md.
 */
import { AUTOSCALE_USAGE, parseAutoscaleFlags } from './autoscale/parse-autoscale-flags.js';
import { runAutoscale } from './autoscale/run-autoscale.js';
import { runBenchmark } from './shared/run-benchmark.js';

await runBenchmark({
  name: 'autoscale',
  usage: AUTOSCALE_USAGE,
  parseFlags: parseAutoscaleFlags,
  run: runAutoscale,
});
