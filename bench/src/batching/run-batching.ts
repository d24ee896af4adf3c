import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { createGrpcClient } from '@switchboard/grpc';
import type { GrpcClient } from '@switchboard/grpc';
import { createSubjectNames } from '@switchboard/nats';
import { GRPCInferenceService } from '@switchboard/protocol';
import type { CleanupStack } from '../shared/cleanup-stack.js';
import { describeMachine } from '../shared/describe-machine.js';
import { findNatsServerProcess } from '../shared/find-listening-pid.js';
import { prepareRun } from '../shared/prepare-run.js';
import type { BenchEnvironment, RunContext } from '../shared/prepare-run.js';
import { renderChartPng } from '../shared/render-chart.js';
import { reportProgress } from '../shared/report-progress.js';
import { startSwitchboardStack } from '../shared/start-switchboard-stack.js';
import { BatchTelemetry } from './batch-telemetry.js';
import { batchingChartSpec } from './batching-chart.js';
import { judgeTargets, toMeasuredPoint, toStrategyFigures } from './batching-results.js';
import type { BatchingResults, MeasuredPoint, StrategyFigures } from './batching-results.js';
import type { Strategy } from './batching-strategies.js';
import { describeBatchingRun } from './describe-batching-run.js';
import { formatBatchingResults } from './format-batching-results.js';
import type { BatchingFlags } from './parse-batching-flags.js';
import { planBatchingRun } from './plan-batching-run.js';
import type { BatchingPlan, OnnxPlan, StepwisePlan } from './plan-batching-run.js';
import {
  calibrateOnnx,
  createOnnxRequest,
  defaultOnnxSloMs,
  ONNX_DEADLINE_PER_SLO,
  searchOnnxStrategy,
} from './run-onnx-scenario.js';
import type { ProbeTarget } from './run-probe.js';
import { searchStepwiseStrategy, STEPWISE_DEADLINE_PER_SLO } from './run-stepwise-scenario.js';

/** What each scenario measured: figures per strategy and every probe. */
interface ScenarioOutcome {
  readonly figures: Partial<Record<Strategy, StrategyFigures>>;
  readonly points: MeasuredPoint[];
}

type InferClient = GrpcClient<typeof GRPCInferenceService>;
type ProbeBase = Pick<ProbeTarget, 'connection' | 'namespace' | 'telemetry' | 'processes'>;

async function runOnnxScenario(flags: BatchingFlags, plan: OnnxPlan, base: ProbeBase, client: InferClient) {
  const calibration = await calibrateOnnx(client, createOnnxRequest(plan.names['batch-1'], plan.model), base);
  reportProgress(
    `onnx: a batch-1 run takes ${calibration.batch1ExecuteMs.toFixed(2)} ms (worker telemetry, median), ` +
      `a lone request ${calibration.unloadedLatencyMs.toFixed(2)} ms end to end`,
  );
  const sloMs = flags.onnxSloMs ?? defaultOnnxSloMs(calibration.unloadedLatencyMs);
  const outcome: ScenarioOutcome = { figures: {}, points: [] };
  for (const strategy of flags.onnxStrategies) {
    const model = plan.names[strategy];
    const search = await searchOnnxStrategy({
      strategy,
      target: {
        ...base,
        label: `onnx ${strategy}`,
        model,
        sloMs,
        timeScale: 1,
        windowMs: flags.onnxWindowSeconds * 1_000,
      },
      client,
      request: createOnnxRequest(model, plan.model),
      calibration,
      bisections: flags.bisections,
      seed: flags.seed,
    });
    outcome.figures[strategy] = toStrategyFigures(search);
    outcome.points.push(...search.points.map((point) => toMeasuredPoint(strategy, point)));
  }
  return { outcome, calibration, sloMs };
}

async function runStepwiseScenario(
  flags: BatchingFlags,
  plan: StepwisePlan,
  base: ProbeBase,
  client: InferClient,
) {
  const outcome: ScenarioOutcome = { figures: {}, points: [] };
  for (const strategy of flags.stepwiseStrategies) {
    const search = await searchStepwiseStrategy({
      strategy,
      target: {
        ...base,
        label: `stepwise ${strategy}`,
        model: plan.names[strategy],
        sloMs: plan.sloMs,
        timeScale: flags.speedup,
        windowMs: flags.stepwiseWindowSeconds * 1_000,
      },
      client,
      trace: plan.trace,
      startIndex: plan.startIndex,
      bisections: flags.bisections,
      sequences: flags.sequences,
    });
    outcome.figures[strategy] = toStrategyFigures(search);
    outcome.points.push(...search.points.map((point) => toMeasuredPoint(strategy, point)));
  }
  return outcome;
}

/** Starts one registry, router and worker process serving every strategy's model, and connects to it. */
async function startStack(context: RunContext, plan: BatchingPlan, cleanup: CleanupStack) {
  const models = plan.specs.map((spec) => spec.name);
  const stack = await startSwitchboardStack(
    {
      natsUrl: context.natsUrl,
      databaseUrl: context.databaseUrl,
      namespace: context.namespace,
      workers: [models],
      provision: async (registry, provisionCleanup) => {
        for (const model of plan.specs) {
          await registry.registerModel({ model });
          provisionCleanup.add(`deleting model ${model.name}`, async () => {
            await registry.deleteModel({ name: model.name });
          });
        }
      },
      readyNames: models,
    },
    cleanup,
  );
  const client = createGrpcClient(GRPCInferenceService, stack.routerAddress);
  cleanup.add('router client', async () => client.close());
  const telemetry = new BatchTelemetry(
    context.connection,
    createSubjectNames(context.namespace).telemetryBatchPrefix,
  );
  cleanup.add('batch telemetry', async () => telemetry.stop());
  const natsServer = findNatsServerProcess(context.natsUrl);
  const processes = [
    { name: 'bench', pid: process.pid },
    ...stack.processes,
    ...(natsServer === undefined ? [] : [natsServer]),
  ];
  return {
    client,
    base: { connection: context.connection, namespace: context.namespace, telemetry, processes },
  };
}

/** Writes results.json and batching.png into `--out`. */
async function writeOutputs(out: string, results: BatchingResults, traceFile: string) {
  await mkdir(out, { recursive: true });
  await writeFile(join(out, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  const { onnx: onnxSloMs, stepwise: stepwiseSloMs } = results.slo_ms;
  const panels = [
    {
      scenario: 'onnx',
      title: 'ONNX MLP',
      sloMs: onnxSloMs ?? 0,
      ceilingMs: (onnxSloMs ?? 0) * ONNX_DEADLINE_PER_SLO,
      clock: 'wall clock',
    },
    {
      scenario: 'stepwise',
      title: `Step-wise LLM, ${basename(traceFile)}`,
      sloMs: stepwiseSloMs ?? 0,
      ceilingMs: (stepwiseSloMs ?? 0) * STEPWISE_DEADLINE_PER_SLO,
      clock: 'simulated',
    },
  ] as const;
  const spec = batchingChartSpec(
    panels
      .map((panel) => ({ ...panel, points: results.points[panel.scenario] }))
      .filter((panel) => panel.points.length > 0),
  );
  await writeFile(join(out, 'batching.png'), await renderChartPng(spec));
}

/**
 * The batching benchmark: one Switchboard serving every strategy's model, each strategy's highest
 * open-loop rate within the P99 SLO found by a rate search, side by side; writes results.json
 * and the throughput-versus-P99 chart to `--out` and prints the table.
 */
export async function runBatching(
  flags: BatchingFlags,
  environment: BenchEnvironment,
  cleanup: CleanupStack,
): Promise<void> {
  const startedAt = performance.now();
  const context = await prepareRun(environment, 'bench-batching', cleanup);
  const directory = await mkdtemp(join(tmpdir(), 'switchboard-batching-'));
  cleanup.add('run directory', () => rm(directory, { recursive: true, force: true }));
  const plan = await planBatchingRun(flags, context.namespace, directory);
  const { client, base } = await startStack(context, plan, cleanup);
  const onnx = plan.onnx === undefined ? undefined : await runOnnxScenario(flags, plan.onnx, base, client);
  const stepwise =
    plan.stepwise === undefined ? undefined : await runStepwiseScenario(flags, plan.stepwise, base, client);
  const description = describeBatchingRun(flags, plan, onnx);
  const figures = { onnx: onnx?.outcome.figures ?? {}, stepwise: stepwise?.figures ?? {} };
  const results: BatchingResults = {
    ...figures,
    slo_ms: {
      onnx: onnx?.sloMs ?? null,
      stepwise: plan.stepwise?.sloMs ?? null,
    },
    targets: judgeTargets(figures),
    points: { onnx: onnx?.outcome.points ?? [], stepwise: stepwise?.points ?? [] },
    run: {
      ...description.run,
      machine: describeMachine(context.infrastructure).replace(/^machine: /, ''),
      wall_clock_s: Math.round((performance.now() - startedAt) / 1_000),
    },
  };
  await writeOutputs(flags.out, results, flags.trace);
  process.stdout.write(
    `${formatBatchingResults(results, description.headings)}\n\n${describeMachine(context.infrastructure)}\n`,
  );
  reportProgress(`wrote ${join(flags.out, 'results.json')} and batching.png`);
}
