import { setTimeout as delay } from 'node:timers/promises';
import type { ServiceError } from '@grpc/grpc-js';
import { waitFor } from '@switchboard/local-infra';
import { syntheticSpec } from '@switchboard/models/testing';
import { startChaosStack } from '../chaos-stack.js';
import type { ChaosStack } from '../chaos-stack.js';
import { describeFirstCall } from '../describe-first-call.js';
import { InferClient } from '../infer-client.js';
import { runOpenLoop } from '../run-open-loop.js';
import type { Scenario, ScenarioFindings } from '../scenario.js';
import { check } from '../scenario-report.js';
import { tallyScenario } from '../tally-scenario.js';
import type { SystemView } from '../tally-scenario.js';
import type { ChaosInfrastructure } from '../start-chaos-infrastructure.js';
import type { RequestHistory } from '../call-outcome.js';

const MODEL = 'pgdown';
const BEFORE_MS = 2_000;
const AFTER_MS = 6_000;
const ADMIN_TIMEOUT_MS = 5_000;
const UNAVAILABLE = 14;
/** The registry's pool reconnects on the next query; allow for its backoff. */
const ADMIN_RECOVERY_LIMIT_MS = 15_000;

/** How one admin call during the outage ended. */
interface AdminOutcome {
  readonly code: number;
  readonly message: string;
  readonly latencyMs: number;
}

async function callAdmin(stack: ChaosStack, index: number): Promise<AdminOutcome> {
  const startedMs = performance.now();
  try {
    await (index % 2 === 0
      ? stack.registry.listModels({}, { timeoutMs: ADMIN_TIMEOUT_MS })
      : stack.registry.registerModel(
          { model: syntheticSpec(`${MODEL}-extra-${index}`, { base_latency_ms: '1' }) },
          { timeoutMs: ADMIN_TIMEOUT_MS },
        ));
    return { code: 0, message: '', latencyMs: performance.now() - startedMs };
  } catch (caught) {
    const error = caught as ServiceError;
    return { code: error.code, message: error.details ?? '', latencyMs: performance.now() - startedMs };
  }
}

/** Admin calls, one a second, until `isOver()`. */
async function probeAdmin(stack: ChaosStack, isOver: () => boolean): Promise<AdminOutcome[]> {
  const outcomes: AdminOutcome[] = [];
  while (!isOver()) {
    outcomes.push(await callAdmin(stack, outcomes.length));
    await delay(1_000);
  }
  return outcomes;
}

/** Ms until an admin call succeeds again after `restartedAt`; infinite when not within the limit. */
async function timeAdminRecovery(stack: ChaosStack, restartedAt: number): Promise<number> {
  try {
    await waitFor(async () => (await callAdmin(stack, 1)).code === 0, {
      timeoutMs: ADMIN_RECOVERY_LIMIT_MS,
      intervalMs: 250,
      message: 'the registry to answer admin calls again',
    });
    return performance.now() - restartedAt;
  } catch {
    // Not within the limit: the check reports it.
    return Number.POSITIVE_INFINITY;
  }
}

/** What one outage produced, for {@link judgePostgresOutage}. */
interface PostgresOutageRun {
  readonly histories: readonly RequestHistory[];
  readonly duringOutage: readonly AdminOutcome[];
  readonly adminRecoveryMs: number;
  /** Service processes that exited during the run. */
  readonly exits: readonly string[];
  readonly outageMs: number;
}

/**
 * Starts inference traffic, stops Postgres for `outageMs` while probing the admin API, restarts it
 * and times the admin API's recovery. Restarts Postgres also when this fails half-way: later
 * scenarios need it.
 */
async function drivePostgresOutage(
  stack: ChaosStack,
  infrastructure: ChaosInfrastructure,
  outageMs: number,
  progress: (line: string) => void,
): Promise<PostgresOutageRun> {
  const worker = await stack.startWorker('worker', [MODEL]);
  const router = await stack.startRouter('router', [MODEL]);
  // Started (migrations applied) before the outage: a service may refuse to start without its database.
  const monitor = await stack.startMonitor();
  const exits: string[] = [];
  for (const started of [worker, router.process, monitor])
    void started.exited.then((code) => exits.push(`${started.name} exited (${code})`));
  const client = new InferClient({ addresses: [router.address], model: MODEL, serverTimeoutMs: 10_000 });
  const traffic = runOpenLoop({ ratePerSecond: 20, durationMs: BEFORE_MS + outageMs + AFTER_MS }, (index) =>
    client.send(`g${index}`),
  );
  let postgresStopped = false;
  try {
    await delay(BEFORE_MS);
    progress(`stopping Postgres for ${outageMs / 1000} s`);
    postgresStopped = true;
    await infrastructure.postgres.stopServer();
    let probing = true;
    const admin = probeAdmin(stack, () => !probing);
    await delay(outageMs);
    probing = false;
    const duringOutage = await admin;
    await infrastructure.postgres.restartServer();
    postgresStopped = false;
    progress('Postgres restarted');
    const adminRecoveryMs = await timeAdminRecovery(stack, performance.now());
    return { histories: await traffic, duringOutage, adminRecoveryMs, exits, outageMs };
  } finally {
    if (postgresStopped) await infrastructure.postgres.restartServer();
    client.close();
  }
}

/** Inference went on, admin calls were refused promptly and recovered, nothing restarted. */
function judgePostgresOutage(run: PostgresOutageRun, view: SystemView): ScenarioFindings {
  const { histories, duringOutage, adminRecoveryMs, exits } = run;
  const calls = histories.flatMap((history) => history.calls);
  const failedCalls = calls.filter((call) => call.kind !== 'result');
  const badAdmin = duringOutage.filter(
    (outcome) => outcome.code !== UNAVAILABLE || outcome.latencyMs >= ADMIN_TIMEOUT_MS,
  );
  const recovered = Number.isFinite(adminRecoveryMs);
  return {
    histories,
    figures: tallyScenario(histories, view),
    checks: [
      check(
        'inference went on: every request got a result',
        failedCalls.length === 0,
        `${failedCalls.length} of ${calls.length} did not${describeFirstCall(failedCalls)}`,
      ),
      check(
        'admin calls during the outage answered UNAVAILABLE, each within 5 s',
        duringOutage.length > 0 && badAdmin.length === 0,
        `${badAdmin.length} of ${duringOutage.length} did not; e.g. ${badAdmin[0]?.code ?? '-'} "${badAdmin[0]?.message ?? ''}" after ${Math.round(badAdmin[0]?.latencyMs ?? 0)} ms`,
      ),
      check(
        'admin calls worked again within 15 s of the restart, nothing restarted',
        recovered && exits.length === 0,
        `${recovered ? `${Math.round(adminRecoveryMs)} ms` : 'not within 15 s'}; ${exits.join(', ') || 'no process exited'}`,
      ),
    ],
    measurements: {
      outageMs: run.outageMs,
      adminCallsDuringOutage: duringOutage.length,
      adminRecoveryMs: recovered ? Math.round(adminRecoveryMs) : 'none',
      adminOutageMessage: duringOutage[0]?.message ?? '',
    },
  };
}

/**
 * The suite's Postgres is stopped for 10 s (5 s with --quick) and started again. Inference goes on
 * from the registry snapshot the router and workers hold (NATS KV); the registry's admin calls
 * answer UNAVAILABLE promptly meanwhile, and work again afterwards without restarting anything.
 */
export const postgresOutage: Scenario = {
  number: 6,
  title: 'Postgres stopped, restarted',
  async run({ infrastructure, logDirectory, quick, progress }) {
    const stack = await startChaosStack({
      infrastructure,
      label: 'pgdown',
      logDirectory,
      models: [syntheticSpec(MODEL, { base_latency_ms: '20' }, 8)],
    });
    try {
      const run = await drivePostgresOutage(stack, infrastructure, quick ? 5_000 : 10_000, progress);
      return judgePostgresOutage(run, stack.tap.view());
    } finally {
      await stack.stop();
    }
  },
};
