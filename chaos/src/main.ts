/**
 * `pnpm test:chaos`: injects faults into a real Switchboard (its own nats-server and Postgres, real
 * service processes, loopback only), prints what happened to every request, and exits 1 when
 * anything accepted was lost or answered twice, or another promise broke.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { formatTable } from './format-table.js';
import { CHAOS_USAGE, parseChaosFlags } from './parse-chaos-flags.js';
import { runScenario } from './run-scenario.js';
import { scenarioPassed } from './scenario-report.js';
import type { ScenarioReport } from './scenario-report.js';
import { SCENARIOS } from './scenarios.js';
import { startChaosInfrastructure } from './start-chaos-infrastructure.js';

const progress = (line: string) => process.stderr.write(`[chaos] ${line}\n`);

async function main(): Promise<number> {
  const flags = parseChaosFlags(process.argv.slice(2), process.cwd());
  if (flags.help) {
    process.stdout.write(`${CHAOS_USAGE}\n`);
    return 0;
  }
  const logRoot = join(flags.outDirectory, 'logs');
  mkdirSync(logRoot, { recursive: true });
  const selected = SCENARIOS.filter(
    (scenario) => flags.only.length === 0 || flags.only.includes(scenario.number),
  );
  progress(`starting private NATS and Postgres (logs: ${logRoot})`);
  const infrastructure = await startChaosInfrastructure(logRoot);
  // Ctrl-C: stop our servers and processes rather than leave them behind.
  process.once('SIGINT', () => void infrastructure.stop().then(() => process.exit(130)));
  // Timing checks (P99s, refusal latency) mean little on a machine others are loading: say how busy it was.
  const loadAtStart = loadavg()[0] ?? 0;
  const reports: ScenarioReport[] = [];
  try {
    for (const scenario of selected)
      reports.push(await runScenario(scenario, { infrastructure, logRoot, quick: flags.quick, progress }));
  } finally {
    await infrastructure.stop();
  }
  const machine = {
    cores: availableParallelism(),
    loadAverageAtStart: loadAtStart,
    loadAverageAtEnd: loadavg()[0] ?? 0,
  };
  const results = { quick: flags.quick, finishedAt: new Date().toISOString(), machine, scenarios: reports };
  writeFileSync(join(flags.outDirectory, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`${formatTable(reports)}\n`);
  progress(
    `results: ${join(flags.outDirectory, 'results.json')}; ${machine.cores} cores, 1-minute load ${machine.loadAverageAtStart.toFixed(1)} at the start, ${machine.loadAverageAtEnd.toFixed(1)} at the end`,
  );
  return reports.every(scenarioPassed) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    progress(`the suite could not run: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  },
);
