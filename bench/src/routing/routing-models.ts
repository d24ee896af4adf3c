import { create } from '@bufbuild/protobuf';
import { registryModelName } from '@switchboard/outcome-files';
import type { OutcomeRecord } from '@switchboard/outcome-files';
import { InfeasibleAction, RouteSpecSchema, SelectionObjective } from '@switchboard/protocol';
import type { ModelSpec, RouteSpec } from '@switchboard/protocol';
import { simulatedLlmOf } from '../replay/llm-catalogue.js';
import type { SimulatedLlm } from '../replay/llm-catalogue.js';
import { estimateCostUsd } from '../shared/estimate-cost-usd.js';

/** The routes of the 11 LLMs, one per policy that calls a route, so no policy learns from another's traffic. */
export const ROUTING_ROUTES = {
  rules: 'routing-rules',
  offline: 'routing-offline',
  online: 'routing-online',
} as const;

/** The router's token estimate for text (analyse-request.ts): UTF-8 bytes ÷ 4, rounded up. */
const BYTES_PER_TOKEN = 4;

/**
 * The simulated LLM of each model of an outcome file (timing and prices from the replay's
 * catalogue), registered under the name `switchboard optimizer import` maps the file's name to
 * (registryModelName), so imported rows and served requests name models alike.
 * @throws Error for a model the catalogue does not simulate.
 */
export function routingLlms(fileModels: readonly string[]): SimulatedLlm[] {
  return fileModels.map((model) => ({ ...simulatedLlmOf(model), name: registryModelName(model) }));
}

/**
 * A route over every model, as an operator would write it without learning: the cheapest feasible
 * candidate (the router's default objective), degrading to the fastest when none fits, no quality
 * floor — so a learned policy may rank every model, and `rules` is what the route does without one.
 */
export function toRoutingRoute(name: string, models: readonly SimulatedLlm[]): RouteSpec {
  return create(RouteSpecSchema, {
    name,
    description: 'pnpm bench routing: the 11 RouterBench LLMs',
    candidates: models.map((model) => ({ model: model.name })),
    policy: {
      objective: SelectionObjective.CHEAPEST,
      whenInfeasible: InfeasibleAction.DEGRADE,
      minQuality: 0,
      maxAttempts: 2,
    },
  });
}

/**
 * The complexity the router computes for a routing request (see toRoutingInferRequest): the
 * prompt's tokens, an empty context, and the one element of `max_tokens`.
 */
function routerComplexity(prompt: string): number {
  return Math.ceil(Buffer.byteLength(prompt, 'utf8') / BYTES_PER_TOKEN) + 1;
}

/** What the router predicts a routing request of `prompt` costs on `model`, US dollars (estimateCostUsd). */
export function predictedCostUsd(model: ModelSpec, prompt: string): number {
  return estimateCostUsd(model, routerComplexity(prompt));
}

/** The models the rows record, by their names in the file, in the file's column order. */
export function modelsOfRecords(records: readonly OutcomeRecord[]): string[] {
  return [...(records[0]?.outcomes.keys() ?? [])];
}
