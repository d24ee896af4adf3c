/**
 * Benchmark `selection`: Switchboard's model selection against static, round-robin and random routing.
 * Replays a mixed workload (Azure LLM trace arrivals and prompt sizes, plus image and structured
 * requests, three tiers, tight deadlines) on a zoo of synthetic models under each strategy, then
 * times the router's decision in-process. See bench/README.md.
 */
import { parseSelectionFlags, SELECTION_USAGE } from './selection/parse-selection-flags.js';
import { runSelection } from './selection/run-selection.js';
import { runBenchmark } from './shared/run-benchmark.js';

await runBenchmark({
  name: 'selection',
  usage: SELECTION_USAGE,
  parseFlags: parseSelectionFlags,
  run: runSelection,
});
