import { create } from '@bufbuild/protobuf';
import { OutcomeRowSchema } from '@switchboard/protocol';
import type { OutcomeRow } from '@switchboard/protocol';
import type { OutcomeRecord } from './parse-outcome-file.js';

/**
 * The ImportOutcomes rows of `records`: each prompt with the quality and cost of every model that
 * `modelNames` (file name → registry name) maps, under its registry name. Unmapped models are left out.
 */
export function toOutcomeRows(
  records: readonly OutcomeRecord[],
  modelNames: ReadonlyMap<string, string>,
): OutcomeRow[] {
  return records.map((record) =>
    create(OutcomeRowSchema, {
      prompt: record.prompt,
      outcomes: [...record.outcomes].flatMap(([model, outcome]) => {
        const name = modelNames.get(model);
        return name === undefined
          ? []
          : [{ model: name, quality: outcome.quality, costUsd: outcome.costUsd }];
      }),
    }),
  );
}
