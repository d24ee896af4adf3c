import type { InferParameter, ModelInferResponse } from '@switchboard/protocol';

/** What Switchboard says about an answer in its `switchboard.*` response parameters. */
export interface SwitchboardFacts {
  /** The model that answered (`switchboard.model`). */
  readonly model: string;
  /** Total cost of the request, millionths of a US dollar (`switchboard.cost_micros`). */
  readonly costMicros: number;
  /** The worker's execution time of the batch it ran in, milliseconds (`switchboard.execute_us`). */
  readonly executeMs: number;
  /** Why the router chose the model (`switchboard.reason`, e.g. `learned_policy`); '' when absent. */
  readonly reason: string;
}

function readText(parameters: Record<string, InferParameter>, key: string): string | undefined {
  const choice = parameters[key]?.parameterChoice;
  return choice?.case === 'stringParam' ? choice.value : undefined;
}

function readNumber(parameters: Record<string, InferParameter>, key: string): number | undefined {
  const choice = parameters[key]?.parameterChoice;
  const numeric =
    choice?.case === 'doubleParam' || choice?.case === 'int64Param' || choice?.case === 'uint64Param';
  return numeric ? Number(choice.value) : undefined;
}

/**
 * Reads the serving model, cost, execution time and the router's reason from an answer. Every answer of the router
 * carries them, whether a model or a route was called.
 * @throws Error when the answer lacks `switchboard.model` or `switchboard.cost_micros`.
 */
export function readSwitchboardFacts(response: ModelInferResponse): SwitchboardFacts {
  const model = readText(response.parameters, 'switchboard.model');
  const costMicros = readNumber(response.parameters, 'switchboard.cost_micros');
  if (model === undefined || costMicros === undefined) {
    throw new Error('the answer has no switchboard.model or switchboard.cost_micros parameter');
  }
  const executeUs = readNumber(response.parameters, 'switchboard.execute_us') ?? 0;
  const reason = readText(response.parameters, 'switchboard.reason') ?? '';
  return { model, costMicros, executeMs: executeUs / 1000, reason };
}
