/**
 * Benchmark `overhead`: latency and throughput of Switchboard's full path versus a plain OIP server.
 * Compares (a) a single-model grpc-js OIP server, (b) bare NATS request-reply and (c) router →
 * JetStream → worker → router, each at concurrency 1 and 64. See bench/README.md.
 */
import { TARGET_CONCURRENCIES } from './overhead/overhead-targets.js';
import { OVERHEAD_USAGE, parseOverheadFlags } from './overhead/parse-overhead-flags.js';
import { runOverhead } from './overhead/run-overhead.js';
import { runBenchmark } from './shared/run-benchmark.js';

await runBenchmark({
  name: 'overhead',
  usage: OVERHEAD_USAGE,
  parseFlags: (args) => parseOverheadFlags(args, TARGET_CONCURRENCIES),
  run: runOverhead,
});
