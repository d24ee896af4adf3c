import { create } from '@bufbuild/protobuf';
import type { MessageInitShape } from '@bufbuild/protobuf';
import {
  InfeasibleAction,
  InfeasibleActionSchema,
  Modality,
  ModalitySchema,
  RouteSpecSchema,
  SelectionObjective,
  SelectionObjectiveSchema,
} from '@switchboard/protocol';
import type { RouteCandidateSchema, RouteSpec } from '@switchboard/protocol';
import { enumFromText, enumToText } from './enum-text.js';
import { normaliseRouteSpec } from './normalise-route-spec.js';

/** The `routes` columns a RouteSpec determines: name, description, policy and cascade. */
export interface RouteColumns {
  name: string;
  description: string;
  objective: string;
  when_infeasible: string;
  min_quality: number;
  max_attempts: number;
  cascade_confidence_threshold: number;
  cascade_max_steps: number;
}

/** A row of `route_candidates`. */
export interface CandidateRow {
  route_name: string;
  position: number;
  model_name: string;
  /** Lowercase Modality names. */
  modalities: string[];
  min_complexity: number;
  max_complexity: number;
  tiers: string[];
}

/** A row of `route_shadows`. */
export interface ShareRow {
  route_name: string;
  position: number;
  model_name: string;
  percent: number;
}

/** A row of `route_rollout_arms`. */
export interface RolloutArmRow extends ShareRow {
  candidate_position: number;
  /** The version the arm serves; null for the model's current version (RolloutArm.version ''). */
  version: string | null;
}

/** A share as the route query aggregates it into json. */
interface ShareJson {
  model: string;
  percent: number;
}

/** A rollout arm as the route query aggregates it into json; version '' for the current one. */
interface RolloutArmJson extends ShareJson {
  version: string;
}

/** A candidate as the route query aggregates it into json, with its rollout arms in order. */
interface CandidateJson {
  model: string;
  modalities: string[];
  minComplexity: number;
  maxComplexity: number;
  tiers: string[];
  rollout: RolloutArmJson[];
}

/** A row of `routes` with its candidates and shadows, as selectRoutes in route-store.ts reads it. */
export interface RouteRow extends RouteColumns {
  updated_at: Date;
  candidates: CandidateJson[];
  shadows: ShareJson[];
}

/** Converts a validated RouteSpec into `routes` column values. */
export function toRouteColumns(spec: RouteSpec): RouteColumns {
  return {
    name: spec.name,
    description: spec.description,
    objective: enumToText(SelectionObjectiveSchema, spec.policy?.objective ?? 0),
    when_infeasible: enumToText(InfeasibleActionSchema, spec.policy?.whenInfeasible ?? 0),
    min_quality: spec.policy?.minQuality ?? 0,
    max_attempts: spec.policy?.maxAttempts ?? 0,
    cascade_confidence_threshold: spec.cascade?.confidenceThreshold ?? 0,
    cascade_max_steps: spec.cascade?.maxSteps ?? 0,
  };
}

/** The `route_candidates` rows of a validated RouteSpec, in order of preference. */
export function toCandidateRows(spec: RouteSpec): CandidateRow[] {
  return spec.candidates.map((candidate, position) => ({
    route_name: spec.name,
    position,
    model_name: candidate.model,
    modalities: (candidate.conditions?.modalities ?? []).map((modality) =>
      enumToText(ModalitySchema, modality),
    ),
    min_complexity: candidate.conditions?.minComplexity ?? 0,
    max_complexity: candidate.conditions?.maxComplexity ?? 0,
    tiers: [...(candidate.conditions?.tiers ?? [])],
  }));
}

/** The `route_rollout_arms` rows of a validated RouteSpec, whose arms all name their model. */
export function toRolloutArmRows(spec: RouteSpec): RolloutArmRow[] {
  return spec.candidates.flatMap((candidate, candidatePosition) =>
    candidate.rollout.map((arm, position) => ({
      route_name: spec.name,
      candidate_position: candidatePosition,
      position,
      model_name: arm.model,
      percent: arm.percent,
      version: arm.version === '' ? null : arm.version,
    })),
  );
}

/** The `route_shadows` rows of a validated RouteSpec. */
export function toShadowRows(spec: RouteSpec): ShareRow[] {
  return spec.shadows.map((shadow, position) => ({
    route_name: spec.name,
    position,
    model_name: shadow.model,
    percent: shadow.percent,
  }));
}

/** Converts a selected row back into the normalised RouteSpec the API and the KV bucket carry. */
export function toRouteSpec(row: RouteRow): RouteSpec {
  return normaliseRouteSpec(
    create(RouteSpecSchema, {
      name: row.name,
      description: row.description,
      updatedAtUnixMs: BigInt(row.updated_at.getTime()),
      candidates: row.candidates.map(fromCandidateJson),
      policy: {
        objective: enumFromText(SelectionObjectiveSchema, row.objective, SelectionObjective.UNSPECIFIED),
        whenInfeasible: enumFromText(
          InfeasibleActionSchema,
          row.when_infeasible,
          InfeasibleAction.UNSPECIFIED,
        ),
        minQuality: row.min_quality,
        maxAttempts: row.max_attempts,
      },
      cascade: {
        confidenceThreshold: row.cascade_confidence_threshold,
        maxSteps: row.cascade_max_steps,
      },
      shadows: row.shadows.map(({ model, percent }) => ({ model, percent })),
    }),
  );
}

function fromCandidateJson(candidate: CandidateJson): MessageInitShape<typeof RouteCandidateSchema> {
  return {
    model: candidate.model,
    conditions: {
      modalities: candidate.modalities.map((text) =>
        enumFromText(ModalitySchema, text, Modality.UNSPECIFIED),
      ),
      minComplexity: candidate.minComplexity,
      maxComplexity: candidate.maxComplexity,
      tiers: candidate.tiers,
    },
    rollout: candidate.rollout.map(({ model, percent, version }) => ({ model, percent, version })),
  };
}
