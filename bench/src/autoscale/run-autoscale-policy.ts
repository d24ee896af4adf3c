import { setTimeout as sleep } from 'node:timers/promises';
import { createGrpcClient } from '@switchboard/grpc';
import { createSubjectNames, deleteNamespaceStreams } from '@switchboard/nats';
import { GRPCInferenceService } from '@switchboard/protocol';
import type { ModelSpec } from '@switchboard/protocol';
import { createTestDatabase } from '@switchboard/testkit';
import { CleanupStack } from '../shared/cleanup-stack.js';
import type { RunContext } from '../shared/prepare-run.js';
import { reportProgress } from '../shared/report-progress.js';
import { startSwitchboardStack } from '../shared/start-switchboard-stack.js';
import type { AutoscalePolicy } from './autoscale-results.js';
import type { ManagerSettings } from '../shared/manager-environment.js';
import { managerEnvironment, managerTimings } from '../shared/manager-environment.js';
import { measureForecastError } from './measure-forecast-error.js';
import type { ScheduledRequest } from './plan-autoscale-run.js';
import { pollPlacement } from './poll-placement.js';
import type { PlacementPoller } from './poll-placement.js';
import { recordHeartbeats } from '../shared/record-heartbeats.js';
import { ReplicaTimeline } from '../shared/replica-timeline.js';
import { sendRequests } from './send-requests.js';
import type { PolicyRecord } from './summarise-policy.js';

/** What every policy of a run shares. */
export interface PolicyRunInputs {
  readonly requests: readonly ScheduledRequest[];
  /** The registry entries of the models, per policy (their min_replicas differ). */
  readonly specs: readonly ModelSpec[];
  readonly manager: ManagerSettings;
  /** Trace ms of the measured window. */
  readonly durationMs: number;
  /** Every call's deadline, trace ms. */
  readonly deadlineMs: number;
  /** The models' simulated cold start, trace ms: the forecast horizon until the manager has measured one. */
  readonly coldStartMs: number;
}

/** Stack starts tried before a policy fails. */
const START_ATTEMPTS = 2;
/** How long the manager gets to load every model's minimum, wall clock. */
const SETTLE_TIMEOUT_MS = 120_000;

/** Waits until the manager reports every model serving its minimum replicas. @returns whether it did. */
async function waitForMinimum(poller: PlacementPoller, minimum: ReadonlyMap<string, number>) {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const models = poller.latest()?.models ?? [];
    const serving = new Map(models.map((plan) => [plan.model, plan.servingReplicas]));
    if ([...minimum].every(([model, replicas]) => (serving.get(model) ?? 0) >= replicas)) return true;
    await sleep(250);
  }
  return false;
}

/** A fresh Switchboard for one policy, in a namespace and database of its own; torn down by `cleanup`. */
async function startPolicyStack(
  policy: AutoscalePolicy,
  namespace: string,
  context: RunContext,
  inputs: PolicyRunInputs,
  cleanup: CleanupStack,
) {
  cleanup.add(`${namespace} streams`, async () => {
    await deleteNamespaceStreams(context.connection, namespace);
  });
  const database = await createTestDatabase(context.databaseUrl, { label: 'benchautoscale' });
  cleanup.add(`${namespace} database`, () => database.drop());
  const timeline = new ReplicaTimeline();
  const heartbeats = recordHeartbeats(
    context.connection,
    createSubjectNames(namespace).workerHeartbeatSubject,
    timeline,
  );
  cleanup.add('heartbeat recorder', async () => heartbeats.unsubscribe());
  const stack = await startSwitchboardStack(
    {
      natsUrl: context.natsUrl,
      databaseUrl: database.url,
      namespace,
      workers: [],
      provision: async (registry) => {
        for (const model of inputs.specs) await registry.registerModel({ model });
      },
      readyNames: inputs.specs.map((spec) => spec.name),
      monitor: true,
      resourceManager: {
        environment: managerEnvironment(policy === 'static-peak' ? 'static' : policy, inputs.manager),
      },
    },
    cleanup,
  );
  return { stack, timeline };
}

/**
 * Starts the policy's stack, once more in a fresh namespace if a service died while starting: ports
 * are chosen free and bound moments later by the service, and on a machine where other programs —
 * and this stack's own workers — take ephemeral ports, one is now and then taken in between.
 */
async function startWithRetry(
  policy: AutoscalePolicy,
  namespace: string,
  context: RunContext,
  inputs: PolicyRunInputs,
  outerCleanup: CleanupStack,
) {
  for (let attempt = 1; ; attempt += 1) {
    const cleanup = new CleanupStack();
    outerCleanup.add(`${policy} stack`, () => cleanup.run());
    const attemptNamespace = attempt === 1 ? namespace : `${namespace}r${attempt}`;
    reportProgress(`${policy}: starting a fresh stack (namespace ${attemptNamespace})`);
    try {
      return { cleanup, ...(await startPolicyStack(policy, attemptNamespace, context, inputs, cleanup)) };
    } catch (error) {
      await cleanup.run();
      const died = error instanceof Error && error.message.includes('exited during startup');
      if (!died || attempt === START_ATTEMPTS) throw error;
      reportProgress(`  ${policy}: ${error.message}; starting again`);
    }
  }
}

/**
 * Runs one policy on a fresh stack: starts it, waits for every model's minimum replicas, replays
 * the requests open loop while recording heartbeats and the manager's plan, then tears it down.
 */
export async function runAutoscalePolicy(
  policy: AutoscalePolicy,
  namespace: string,
  context: RunContext,
  inputs: PolicyRunInputs,
  outerCleanup: CleanupStack,
): Promise<PolicyRecord> {
  const { cleanup, stack, timeline } = await startWithRetry(policy, namespace, context, inputs, outerCleanup);
  try {
    const poller = pollPlacement(stack.resourceManagerAddress ?? '');
    cleanup.add('placement poller', async () => poller.stop());
    const minReplicas = new Map(inputs.specs.map((spec) => [spec.name, spec.scaling?.minReplicas ?? 0]));
    if (!(await waitForMinimum(poller, minReplicas)))
      reportProgress(`  ${policy}: not every model serves its minimum replicas after 120 s; going on`);
    const client = createGrpcClient(GRPCInferenceService, stack.routerAddress);
    cleanup.add('router client', async () => client.close());
    const { speedup } = inputs.manager;
    let windowStartMs = Date.now();
    reportProgress(`${policy}: replaying ${inputs.requests.length} requests`);
    const outcomes = await sendRequests({
      client,
      requests: inputs.requests,
      speedup,
      deadlineMs: inputs.deadlineMs,
      label: policy,
      onWindowStart: (atMs) => (windowStartMs = atMs),
    });
    const clock = {
      startUnixMs: windowStartMs,
      endUnixMs: windowStartMs + inputs.durationMs / speedup,
      speedup,
    };
    // The window is measured to its end even when its last request was answered earlier.
    const remainingMs = clock.endUnixMs - Date.now();
    if (remainingMs > 0) await sleep(remainingMs);
    poller.stop();
    const timings = managerTimings(speedup);
    const forecastError = measureForecastError(poller.samples, inputs.requests, clock, {
      stepMs: timings.forecastStepMs,
      intervalMs: timings.intervalMs,
      fallbackLoadMs: inputs.coldStartMs / speedup,
    });
    return { outcomes, timeline, clock, samples: poller.samples, forecastError, minReplicas };
  } finally {
    await cleanup.run();
  }
}
