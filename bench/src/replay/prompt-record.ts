import type { OutcomeRecord } from '@switchboard/outcome-files';

/** What one model did with one prompt, as RouterBench recorded it. */
export interface RecordedOutcome {
  readonly correct: boolean;
  /** US dollars the call cost at RouterBench's prices (input + output tokens). */
  readonly costUsd: number;
}

/** One RouterBench query: the prompt and every model's recorded outcome on it. */
export interface PromptRecord {
  /** e.g. `mbpp.dev.92`. */
  readonly sampleId: string;
  readonly prompt: string;
  /** The source benchmark (`eval_name`): the request type static routing keys on. */
  readonly task: string;
  /** By RouterBench model name (e.g. `gpt-4-1106-preview`). */
  readonly outcomes: ReadonlyMap<string, RecordedOutcome>;
}

/** A row of an outcome file as the replay scores it: a quality of at least 0.5 is a correct answer. */
export function toPromptRecord({ sampleId, prompt, task, outcomes }: OutcomeRecord): PromptRecord {
  return {
    sampleId,
    prompt,
    task,
    outcomes: new Map(
      [...outcomes].map(([model, { quality, costUsd }]) => [model, { correct: quality >= 0.5, costUsd }]),
    ),
  };
}
