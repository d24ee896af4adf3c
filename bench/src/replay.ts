/**
 * Benchmark `replay`: the paper's table on real traffic — a real LLM trace's arrivals and sizes,
 * RouterBench prompts and per-model outcomes, 11 simulated LLMs — sent through the running system
 * under eight routing policies. See bench/README.md.
 */
import { parseReplayFlags, REPLAY_USAGE } from './replay/parse-replay-flags.js';
import { runReplay } from './replay/run-replay.js';
import { runBenchmark } from './shared/run-benchmark.js';

await runBenchmark({
  name: 'replay',
  usage: REPLAY_USAGE,
  parseFlags: parseReplayFlags,
  run: runReplay,
});
