import { create } from '@bufbuild/protobuf';
import {
  CascadeSpecSchema,
  InfeasibleActionSchema,
  RouteCandidateSchema,
  RoutePolicySchema,
  SelectionObjectiveSchema,
} from '@switchboard/protocol';
import type { InfeasibleAction, RouteSpec, SelectionObjective } from '@switchboard/protocol';
import type { Command } from 'commander';
import { enumChoices } from './enum-names.js';
import { collect, parseChoice, parseDecimal } from './parse-flag-values.js';

/** The route fields `routes put` can set from flags; undefined means "not given, keep the file's". */
export interface RouteFlags {
  model?: string[];
  description?: string;
  cascadeThreshold?: number;
  objective?: SelectionObjective;
  whenInfeasible?: InfeasibleAction;
  minQuality?: number;
}

/** Adds the route flags of `routes put` to `command`. */
export function addRouteFlags(command: Command): Command {
  return command
    .option(
      '--model <name>',
      'a candidate without conditions, in order of preference (repeat; replaces the file’s candidates)',
      collect(String),
    )
    .option('--description <text>', 'what the route is for')
    .option(
      '--cascade-threshold <confidence>',
      'escalate to the next candidate while the answer’s confidence is below this, in (0, 1]; 0 turns the cascade off',
      parseDecimal,
    )
    .option(
      '--objective <objective>',
      'what to optimise among feasible candidates: cheapest, fastest or best_quality',
      parseChoice(enumChoices(SelectionObjectiveSchema)),
    )
    .option(
      '--when-infeasible <action>',
      'when no candidate fits a request: degrade (serve on the fastest) or refuse',
      parseChoice(enumChoices(InfeasibleActionSchema)),
    )
    .option('--min-quality <score>', 'quality floor of every request on the route, in [0, 1]', parseDecimal);
}

/**
 * Applies the given flags to `spec` in place. `--model` replaces the candidates with plain ones
 * (no conditions, no rollout); the other flags change one field each and keep the rest.
 */
export function applyRouteFlags(spec: RouteSpec, flags: RouteFlags): void {
  if (flags.model !== undefined) {
    spec.candidates = flags.model.map((model) => create(RouteCandidateSchema, { model }));
  }
  if (flags.description !== undefined) spec.description = flags.description;
  if (flags.cascadeThreshold !== undefined) {
    spec.cascade ??= create(CascadeSpecSchema);
    spec.cascade.confidenceThreshold = flags.cascadeThreshold;
  }
  if (flags.objective !== undefined || flags.whenInfeasible !== undefined || flags.minQuality !== undefined) {
    const policy = (spec.policy ??= create(RoutePolicySchema));
    if (flags.objective !== undefined) policy.objective = flags.objective;
    if (flags.whenInfeasible !== undefined) policy.whenInfeasible = flags.whenInfeasible;
    if (flags.minQuality !== undefined) policy.minQuality = flags.minQuality;
  }
}
