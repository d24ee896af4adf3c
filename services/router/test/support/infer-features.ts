import { toRawFloat32 } from '@switchboard/models/testing';
import type { OipClient } from './oip-client.js';

/** An OIP parameter as a proto-loader client sends it. */
export type ClientParameter =
  { int64_param: number } | { double_param: number } | { string_param: string } | { bool_param: boolean };

interface ResponseParameter {
  string_param?: string;
  int64_param?: number;
  double_param?: number;
}

/** What Switchboard said about one answer, read from its `switchboard.*` response parameters. */
export interface SelectionAnswer {
  model: string;
  /** The version that served, as `switchboard.version` says. */
  version: string;
  reason: string;
  tenant: string;
  /** 1-based position of the answering model among the models tried. */
  step: number;
  tried: string[];
  /** Confidence of each model tried; undefined for a model that failed. */
  confidences: Array<number | undefined>;
  costMicros: number;
  predictedLatencyMs: number;
  budgetMs: number;
}

export interface InferFeaturesOptions {
  parameters?: Record<string, ClientParameter>;
  metadata?: Record<string, string>;
  timeoutMs?: number;
  /** The OIP request id; rollouts split by it. */
  id?: string;
}

/**
 * Sends rows of four FP32 features (`features.length / 4` rows) to `name` (a model or route) and reads
 * the selection facts.
 */
export async function inferFeatures(
  oip: OipClient,
  name: string,
  features: number[],
  options: InferFeaturesOptions = {},
): Promise<SelectionAnswer> {
  const response = await oip.call<{ parameters: Record<string, ResponseParameter> }>(
    'ModelInfer',
    {
      model_name: name,
      id: options.id ?? '',
      parameters: options.parameters ?? {},
      inputs: [{ name: 'features', datatype: 'FP32', shape: [features.length / 4, 4] }],
      raw_input_contents: [toRawFloat32(features)],
    },
    { timeoutMs: options.timeoutMs, metadata: options.metadata },
  );
  const text = (key: string) => response.parameters[`switchboard.${key}`]?.string_param ?? '';
  const number = (key: string) => {
    const parameter = response.parameters[`switchboard.${key}`];
    return Number(parameter?.double_param ?? parameter?.int64_param ?? NaN);
  };
  return {
    model: text('model'),
    version: text('version'),
    reason: text('reason'),
    tenant: text('tenant'),
    step: number('step'),
    tried: text('models_tried').split(','),
    confidences: text('step_confidences')
      .split(',')
      .map((value) => (value === '-' ? undefined : Number(value))),
    costMicros: number('cost_micros'),
    predictedLatencyMs: number('predicted_latency_ms'),
    budgetMs: number('budget_ms'),
  };
}

/** Deterministic, varied feature rows: row `index` of a sequence. */
export function featureRow(index: number): number[] {
  return [Math.sin(index * 1.3), Math.cos(index * 0.7), (index % 17) / 17 - 0.5, ((index * 7) % 11) / 11];
}
