/**
 * Benchmark `batching`: batch-1, static and dynamic batching of a wide ONNX model, and dynamic
 * versus continuous batching of a step-wise LLM on a real trace, each at its highest open-loop rate
 * within a P99 SLO. See bench/README.md.
 */
import { BATCHING_USAGE, parseBatchingFlags } from './batching/parse-batching-flags.js';
import { runBatching } from './batching/run-batching.js';
import { runBenchmark } from './shared/run-benchmark.js';

await runBenchmark({
  name: 'batching',
  usage: BATCHING_USAGE,
  parseFlags: parseBatchingFlags,
  run: runBatching,
});
