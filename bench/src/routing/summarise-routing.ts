import type { OutcomeRecord } from '@switchboard/outcome-files';
import type { RoutedAnswer } from './send-prompts.js';
import type { PolicyDetails, PolicyFigures, RoutingResults } from './routing-results.js';

/** The model every ratio is taken against, as the CSV header names it. */
export const REFERENCE_MODEL = 'gpt-4-1106-preview';
export const REFERENCE_POLICY = `always-${REFERENCE_MODEL}`;

/** A policy's figures and details. */
export interface PolicySummary {
  readonly figures: PolicyFigures;
  readonly details: PolicyDetails;
}

function countBy(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

/** Accuracy, total cost and the model and reason mix of a policy's answers. */
export function summariseAnswers(answers: readonly RoutedAnswer[]): PolicySummary {
  const correct = answers.filter((answer) => answer.correct).length;
  const answered = answers.filter((answer) => answer.code === 0);
  return {
    figures: {
      accuracy: answers.length === 0 ? 0 : correct / answers.length,
      cost_usd: answers.reduce((sum, answer) => sum + answer.costUsd, 0),
      requests: answers.length,
    },
    details: {
      errors: answers.length - answered.length,
      models: countBy(answered.map((answer) => answer.model)),
      reasons: countBy(answered.map((answer) => answer.reason)),
      computed: false,
    },
  };
}

/**
 * The oracle, computed from the recorded outcomes rather than sent: for each prompt the cheapest
 * model that answered it correctly, or the cheapest model when none did. A bound no router reaches.
 * @param registryNames the registry name of each file model name, for the model mix.
 */
export function summariseOracle(
  records: readonly OutcomeRecord[],
  registryNames: ReadonlyMap<string, string>,
): PolicySummary {
  const chosen = records.map((record) => {
    const byCost = [...record.outcomes].sort(([, left], [, right]) => left.costUsd - right.costUsd);
    const [model, outcome] = byCost.find(([, candidate]) => candidate.quality >= 0.5) ?? byCost[0]!;
    return {
      model: registryNames.get(model) ?? model,
      correct: outcome.quality >= 0.5,
      costUsd: outcome.costUsd,
    };
  });
  return {
    figures: {
      accuracy: records.length === 0 ? 0 : chosen.filter((choice) => choice.correct).length / records.length,
      cost_usd: chosen.reduce((sum, choice) => sum + choice.costUsd, 0),
      requests: records.length,
    },
    details: {
      errors: 0,
      models: countBy(chosen.map((choice) => choice.model)),
      reasons: {},
      computed: true,
    },
  };
}

/** Each policy's accuracy and cost over always-gpt-4-1106-preview's; empty without that policy or when it cost nothing. */
export function ratiosToReference(
  policies: Readonly<Record<string, PolicyFigures>>,
): RoutingResults['ratios_to_always_gpt_4'] {
  const reference = policies[REFERENCE_POLICY];
  if (reference === undefined || reference.accuracy === 0 || reference.cost_usd === 0) return {};
  return Object.fromEntries(
    Object.entries(policies).map(([name, figures]) => [
      name,
      { accuracy: figures.accuracy / reference.accuracy, cost: figures.cost_usd / reference.cost_usd },
    ]),
  );
}
