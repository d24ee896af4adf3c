/**
 * Benchmark `routing`: learned routing against rules, single models and the oracle — RouterBench
 * prompts held out from training, sent through the running system to 11 simulated LLMs and scored
 * by their recorded outcomes. See bench/README.md.
 */
import { parseRoutingFlags, ROUTING_USAGE } from './routing/parse-routing-flags.js';
import { runRouting } from './routing/run-routing.js';
import { runBenchmark } from './shared/run-benchmark.js';

await runBenchmark({
  name: 'routing',
  usage: ROUTING_USAGE,
  parseFlags: parseRoutingFlags,
  run: runRouting,
});
