/** How the ONNX model's jobs are batched: one per run, fixed-size batches, or Triton-style dynamic batches. */
export const ONNX_STRATEGIES = ['batch-1', 'static', 'dynamic'] as const;
export type OnnxStrategy = (typeof ONNX_STRATEGIES)[number];

/** How the step-wise LLM's jobs are batched: whole batches run to their end, or sequences joining between steps. */
export const STEPWISE_STRATEGIES = ['dynamic', 'continuous'] as const;
export type StepwiseStrategy = (typeof STEPWISE_STRATEGIES)[number];

/** Every strategy name results.json may hold. */
export type Strategy = OnnxStrategy | StepwiseStrategy;

/** The two scenarios of the benchmark. */
export const SCENARIOS = ['onnx', 'stepwise'] as const;
export type Scenario = (typeof SCENARIOS)[number];

/**
 * The registry name of a strategy's model in this run: the run's namespace keeps it apart from
 * other runs sharing the registry's Postgres, which namespaces do not separate.
 */
export function strategyModelName(namespace: string, scenario: Scenario, strategy: Strategy): string {
  return `${namespace}-${scenario}-${strategy}`;
}
