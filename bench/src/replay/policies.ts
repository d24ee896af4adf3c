import type { Random } from '../shared/seeded-random.js';
import type { ReplayRequest } from './create-replay-workload.js';
import type { SimulatedLlm } from './llm-catalogue.js';
import type { PromptRecord } from './prompt-record.js';
import type { PolicyName } from './replay-results.js';

/**
 * The routes over all 11 models: `switchboard` calls the learned one (the optimizer's policy ranks
 * the feasible models per prompt), `switchboard-rules` the rule-based one (no policy is imported).
 */
export const REPLAY_ROUTES = { learned: 'llm', rules: 'llm-rules' } as const;

/** Picks the model (or route) a request is sent to. */
export type ChooseTarget = (request: ReplayRequest) => string;

/** What the policies may know: the models, the training rows, a random source and live in-flight counts. */
export interface PolicyInputs {
  readonly models: readonly SimulatedLlm[];
  readonly train: readonly PromptRecord[];
  readonly random: Random;
  /** Requests sent to each model (registry name) and not answered yet. */
  readonly inFlight: ReadonlyMap<string, number>;
}

const priceOf = (model: SimulatedLlm) => model.inputUsdPerMillion + model.outputUsdPerMillion;

/** Share of `rows` the model answered correctly. */
export function accuracyOn(rows: readonly PromptRecord[], model: SimulatedLlm): number {
  if (rows.length === 0) return 0;
  const correct = rows.filter((row) => row.outcomes.get(model.routerBenchName)?.correct === true).length;
  return correct / rows.length;
}

/** The most accurate model on `rows`; ties go to the cheaper one. */
function mostAccurate(rows: readonly PromptRecord[], models: readonly SimulatedLlm[]): SimulatedLlm {
  const scored = models.map((model) => ({ model, accuracy: accuracyOn(rows, model) }));
  scored.sort((left, right) => right.accuracy - left.accuracy || priceOf(left.model) - priceOf(right.model));
  return (scored[0] as { model: SimulatedLlm }).model;
}

/**
 * The paper's static deployment: one fixed model per request type (the task), the most accurate
 * one on the training rows of that task; a task with no training rows gets the most accurate model
 * overall.
 */
export function staticAssignment(
  train: readonly PromptRecord[],
  models: readonly SimulatedLlm[],
): { byTask: ReadonlyMap<string, SimulatedLlm>; fallback: SimulatedLlm } {
  const tasks = new Map<string, PromptRecord[]>();
  for (const row of train) tasks.set(row.task, [...(tasks.get(row.task) ?? []), row]);
  const byTask = new Map([...tasks].map(([task, rows]) => [task, mostAccurate(rows, models)] as const));
  return { byTask, fallback: mostAccurate(train, models) };
}

/** Share of `rows` the static assignment answers correctly: what static achieves on them, unloaded. */
export function staticAccuracyOn(rows: readonly PromptRecord[], models: readonly SimulatedLlm[]): number {
  const { byTask, fallback } = staticAssignment(rows, models);
  const correct = rows.filter(
    (row) => row.outcomes.get((byTask.get(row.task) ?? fallback).routerBenchName)?.correct === true,
  ).length;
  return rows.length === 0 ? 0 : correct / rows.length;
}

/** The cheapest model whose recorded answer to this prompt was correct (the cheapest model when none was). */
function oracleModel(prompt: PromptRecord, models: readonly SimulatedLlm[]): SimulatedLlm {
  const costOf = (model: SimulatedLlm) => prompt.outcomes.get(model.routerBenchName)?.costUsd ?? Infinity;
  const byCost = [...models].sort((left, right) => costOf(left) - costOf(right));
  return (
    byCost.find((model) => prompt.outcomes.get(model.routerBenchName)?.correct === true) ??
    (byCost[0] as SimulatedLlm)
  );
}

/** The target chooser of each policy. Only `oracle` looks at the evaluation prompt's recorded outcomes: it is a bound. */
export function createPolicy(name: PolicyName, inputs: PolicyInputs): ChooseTarget {
  const { models } = inputs;
  const byPrice = [...models].sort((left, right) => priceOf(left) - priceOf(right));
  switch (name) {
    case 'static': {
      const { byTask, fallback } = staticAssignment(inputs.train, models);
      return (request) => (byTask.get(request.prompt.task) ?? fallback).name;
    }
    case 'always-largest':
      return () => (byPrice.at(-1) as SimulatedLlm).name;
    case 'cheapest':
      return () => (byPrice[0] as SimulatedLlm).name;
    case 'round-robin':
      return (request) => (models[request.index % models.length] as SimulatedLlm).name;
    case 'random':
      return () => (models[Math.floor(inputs.random() * models.length)] as SimulatedLlm).name;
    case 'least-loaded':
      // Least outstanding requests, as a load balancer in front of the models would do; ties to the cheaper.
      return () =>
        byPrice.reduce((best, model) =>
          (inputs.inFlight.get(model.name) ?? 0) < (inputs.inFlight.get(best.name) ?? 0) ? model : best,
        ).name;
    case 'switchboard':
      return () => REPLAY_ROUTES.learned;
    case 'switchboard-rules':
      return () => REPLAY_ROUTES.rules;
    case 'oracle':
      return (request) => oracleModel(request.prompt, models).name;
  }
}
