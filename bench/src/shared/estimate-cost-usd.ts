import type { ModelSpec } from '@switchboard/protocol';

/**
 * What the router predicts a request of `complexity` (its estimated tokens, for text) costs on
 * `model` before serving it, US dollars: the registry's prices applied as the router's
 * estimateCostMicros does — the per-call price plus the per-unit price times the complexity. A
 * learned policy trades quality against this figure, so λ is fitted against it too.
 */
export function estimateCostUsd(model: ModelSpec, complexity: number): number {
  return (Number(model.costPerCallMicros) + model.costPerUnitMicros * complexity) / 1_000_000;
}
