import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { create } from '@bufbuild/protobuf';
import { BatchingMode, InfeasibleAction, RouteSpecSchema, SelectionObjective } from '@switchboard/protocol';
import type { ModelSpec, RouteSpec } from '@switchboard/protocol';
import { promptKey } from '../shared/llm-infer-request.js';
import { toStepwiseLlmSpec } from '../shared/stepwise-llm-spec.js';
import type { RegistryClient } from '../shared/start-switchboard-stack.js';
import type { SimulatedLlm } from './llm-catalogue.js';
import { REPLAY_ROUTES, accuracyOn } from './policies.js';
import type { PromptRecord } from './prompt-record.js';

/**
 * Concurrent sequences one replica runs (continuous batching's `max_batch_size`); the same for every
 * model, so load matters alike.
 */
export const SEQUENCES_PER_REPLICA = 16;
/**
 * Output tokens the router's prior assumes per request before it has measured any: the router sees
 * a request's input, not how long the answer will be. Roughly the Azure conversation trace's mean.
 */
const PRIOR_OUTPUT_TOKENS = 200;
/**
 * When the resource manager places the models: each LLM's cold start in trace time (loading a
 * model's weights from local disk and warming it; the autoscale benchmark's figure) and its memory.
 * Every worker can hold every model, as the fixed workers do, so the hardware is the same.
 */
export const PLACED_LLM = { loadMs: 20_000, memoryBytes: 16 * 1024 ** 3 } as const;

/**
 * Writes one outcomes file per model into `directory` (JSON Lines: prompt hash, correctness, cost):
 * the model's own configuration, from which it answers. Returns the path of each, by model name.
 */
export async function writeOutcomeFiles(
  directory: string,
  models: readonly SimulatedLlm[],
  prompts: readonly PromptRecord[],
): Promise<Map<string, string>> {
  const paths = new Map<string, string>();
  for (const model of models) {
    const lines = prompts.map((prompt) => {
      const outcome = prompt.outcomes.get(model.routerBenchName);
      return JSON.stringify({
        prompt_sha256: promptKey(prompt.prompt),
        correct: outcome?.correct === true ? 1 : 0,
        cost_usd: outcome?.costUsd ?? 0,
      });
    });
    const path = join(directory, `${model.name}.outcomes.jsonl`);
    await writeFile(path, `${lines.join('\n')}\n`);
    paths.set(model.name, path);
  }
  return paths;
}

/**
 * The registry entry of a simulated LLM: a `synthetic-stepwise` model served with continuous
 * batching (up to {@link SEQUENCES_PER_REPLICA} sequences joining and leaving between decode steps,
 * no step token bound), timed as the catalogue says. The catalogue's figures are those of a request
 * alone, and they map one to one: `ttft_ms` and `prefill_us_per_token` as they are, and the time per
 * output token as the cost of one decode step (`decode_ms_per_step`) with nothing added per sequence
 * (`decode_us_per_sequence` 0), so a request alone takes ttft + input tokens × prefill + output
 * tokens × time per token, as it did under `synthetic-llm`, and sequences sharing a step decode at
 * that pace too, as they did in a `synthetic-llm` batch. Unlike there, an admission's prefill holds
 * up the steps of the sequences running (see the worker README). The runtime runs `speedup` times
 * faster than the clock, as the whole replay does; its quality score is its accuracy on the training
 * rows; its price is RouterBench's, per input token plus an expected answer's output tokens per
 * call. `placed`: the resource manager places it ({@link PLACED_LLM}).
 */
export function toLlmSpec(
  model: SimulatedLlm,
  options: { outcomesFile: string; speedup: number; train: readonly PromptRecord[]; placed?: boolean },
): ModelSpec {
  const { speedup } = options;
  // Placed by the resource manager: a cold start to pay, a footprint to pack, one replica kept warm.
  const placement =
    options.placed === true
      ? {
          memoryBytes: BigInt(PLACED_LLM.memoryBytes),
          scaling: { minReplicas: 1, maxReplicas: 0, queueWaitSloMs: 0 },
        }
      : {};
  return toStepwiseLlmSpec({
    name: model.name,
    outputNames: ['correct', 'cost_usd', 'output_tokens'],
    batching: { mode: BatchingMode.CONTINUOUS, maxBatchSize: SEQUENCES_PER_REPLICA, maxStepTokens: 0 },
    runtimeOptions: {
      // The catalogue's TTFT was measured through providers' APIs: on the simulated accelerator an
      // admission costs one forward pass plus prefill, and the rest is network that stalls no one.
      ttft_ms: String(model.decodeMsPerToken),
      network_ms: String(Math.max(0, model.ttftMs - model.decodeMsPerToken)),
      prefill_us_per_token: String(model.prefillUsPerToken),
      decode_ms_per_step: String(model.decodeMsPerToken),
      decode_us_per_sequence: '0',
      speedup: String(speedup),
      outcomes_file: options.outcomesFile,
      ...(options.placed === true ? { load_ms: String(PLACED_LLM.loadMs / speedup) } : {}),
    },
    ...placement,
    qualityScore: accuracyOn(options.train, model),
    // USD per million tokens is micro-dollars per token.
    costPerUnitMicros: model.inputUsdPerMillion,
    costPerCallMicros: BigInt(Math.round(model.outputUsdPerMillion * PRIOR_OUTPUT_TOKENS)),
    latencyPriorMs: (model.ttftMs + model.decodeMsPerToken * PRIOR_OUTPUT_TOKENS) / speedup,
    latencyPriorPerUnitUs: model.prefillUsPerToken / speedup,
  });
}

/**
 * A route over every model: the cheapest one predicted to answer within the request's budget whose
 * quality score reaches `minQuality`; the fastest when none can. With a learned policy published
 * for it, the policy ranks the models the same check finds feasible.
 */
function toReplayRoute(name: string, models: readonly SimulatedLlm[], minQuality: number): RouteSpec {
  return create(RouteSpecSchema, {
    name,
    description: 'pnpm bench replay: the 11 RouterBench LLMs',
    candidates: models.map((model) => ({ model: model.name })),
    policy: {
      objective: SelectionObjective.CHEAPEST,
      whenInfeasible: InfeasibleAction.DEGRADE,
      minQuality,
      maxAttempts: 2,
    },
  });
}

/**
 * The replay's two routes. The learned one has no quality floor: a floor would also narrow what
 * its policy may choose, which is the optimizer's to decide per prompt (deadlines still bind). The
 * rule-based one keeps the floor it always had, static's training accuracy, so Switchboard's rules
 * are asked to match static's accuracy at the least cost.
 */
export function toReplayRoutes(models: readonly SimulatedLlm[], staticAccuracy: number): RouteSpec[] {
  return [
    toReplayRoute(REPLAY_ROUTES.learned, models, 0),
    toReplayRoute(REPLAY_ROUTES.rules, models, staticAccuracy),
  ];
}

/** Registers every simulated LLM and the replay's routes through the registry's admin API. */
export async function provisionLlms(
  registry: RegistryClient,
  specs: readonly ModelSpec[],
  routes: readonly RouteSpec[],
): Promise<void> {
  for (const model of specs) await registry.registerModel({ model });
  for (const route of routes) await registry.putRoute({ route });
}
