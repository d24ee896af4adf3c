import type { MessageInitShape } from '@bufbuild/protobuf';
import type { InferParameterSchema } from '@switchboard/protocol';
import type { PlanOutcome } from './serve-plan.js';

type Parameter = MessageInitShape<typeof InferParameterSchema>;

const text = (value: string): Parameter => ({ parameterChoice: { case: 'stringParam', value } });
const whole = (value: bigint | number): Parameter => ({
  parameterChoice: { case: 'int64Param', value: BigInt(value) },
});
const real = (value: number): Parameter => ({ parameterChoice: { case: 'doubleParam', value } });

/** What the router decided for a request, beyond the serving step's result. */
export interface DecisionFacts {
  route: string;
  tenant: string;
  budgetMs: number;
  costMicros: number;
  /** The id Feedback quotes for this answer: the client's request id, else the router's. */
  requestId: string;
}

/**
 * Switchboard's own facts about an answer, returned as response parameters prefixed `switchboard.`:
 * which model served and why, every model tried on the way (cascade steps and fallbacks) with their
 * confidences, the total cost, the predicted latency and the budget it was chosen for, and for a
 * route the id its Feedback quotes.
 */
export function responseParameters(outcome: PlanOutcome, facts: DecisionFacts): Record<string, Parameter> {
  const { result, served, steps, reason } = outcome;
  const parameters: Record<string, Parameter> = {
    'switchboard.model': text(served.model.name),
    'switchboard.version': text(served.model.version),
    'switchboard.reason': text(reason),
    'switchboard.tenant': text(facts.tenant),
    'switchboard.step': whole(steps.findLastIndex((step) => step.statusCode === 0) + 1),
    'switchboard.models_tried': text(steps.map((step) => step.model.name).join(',')),
    'switchboard.step_confidences': text(
      steps.map((step) => (step.confidence === undefined ? '-' : step.confidence.toFixed(4))).join(','),
    ),
    'switchboard.cost_micros': real(facts.costMicros),
    'switchboard.predicted_latency_ms': real(served.latencyMs),
    'switchboard.budget_ms': real(facts.budgetMs),
    'switchboard.worker': text(result.workerId),
    'switchboard.batch_size': whole(result.batchSize),
    'switchboard.attempt': whole(result.attempt),
    'switchboard.queue_wait_us': whole(result.timings?.queueWaitUs ?? 0n),
    'switchboard.execute_us': whole(result.timings?.executeUs ?? 0n),
  };
  if (facts.route !== '') {
    parameters['switchboard.route'] = text(facts.route);
    parameters['switchboard.request_id'] = text(facts.requestId);
  }
  if (result.confidence !== undefined) parameters['switchboard.confidence'] = real(result.confidence);
  if (result.synthetic)
    parameters['switchboard.synthetic'] = { parameterChoice: { case: 'boolParam', value: true } };
  return parameters;
}
