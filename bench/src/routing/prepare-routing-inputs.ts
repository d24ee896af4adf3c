import { readOutcomeFiles } from '@switchboard/outcome-files';
import type { OutcomeRecord } from '@switchboard/outcome-files';
import type { SimulatedLlm } from '../replay/llm-catalogue.js';
import type { Random } from '../shared/seeded-random.js';
import type { RoutingFlags } from './parse-routing-flags.js';
import { modelsOfRecords, routingLlms } from './routing-models.js';
import { outputTokensOf } from './routing-request.js';
import type { RoutingPrompt } from './routing-request.js';
import { holdOutTestPrompts, splitByPromptHash } from './split-prompts.js';

/** What the benchmark sends and learns from. */
export interface RoutingInputs {
  readonly train: readonly RoutingPrompt[];
  readonly test: readonly RoutingPrompt[];
  /** The models as the files name them, in column order. */
  readonly fileModels: readonly string[];
  /** The simulated LLM of each file model, by position in `fileModels`. */
  readonly llms: readonly SimulatedLlm[];
  /** File model name → registry name. */
  readonly modelNames: ReadonlyMap<string, string>;
}

function sameModels(left: readonly string[], right: readonly string[]): boolean {
  return [...left].sort().join('\n') === [...right].sort().join('\n');
}

/**
 * Reads the training files and either the test files (whose prompts are then dropped from the
 * training rows) or holds out a share of the training prompts by a seeded hash.
 * @throws OutcomeFileError for a malformed file; Error when the test files name other models than
 *   the training files, a set comes out empty, or a model is not one the replay's catalogue simulates.
 */
export async function prepareRoutingInputs(flags: RoutingFlags): Promise<RoutingInputs> {
  const rows = await readOutcomeFiles(flags.train);
  let split: { train: OutcomeRecord[]; test: OutcomeRecord[] };
  if (flags.test.length === 0) {
    split = splitByPromptHash(rows, flags.holdout, flags.seed);
  } else {
    const test = await readOutcomeFiles(flags.test);
    if (!sameModels(modelsOfRecords(test), modelsOfRecords(rows))) {
      throw new Error(`the --test files name other models than the --train files`);
    }
    split = holdOutTestPrompts(rows, test);
  }
  if (split.train.length === 0 || split.test.length === 0) {
    throw new Error(`${split.train.length} training and ${split.test.length} test prompts: both must be > 0`);
  }
  const fileModels = modelsOfRecords(rows);
  const llms = routingLlms(fileModels);
  const byFileName = new Map(fileModels.map((model, position) => [model, llms[position]!]));
  const toPrompt = (record: OutcomeRecord): RoutingPrompt => ({
    record,
    outputTokens: outputTokensOf(record, byFileName),
  });
  return {
    train: split.train.map(toPrompt),
    test: split.test.map(toPrompt),
    fileModels,
    llms,
    modelNames: new Map(fileModels.map((model, position) => [model, llms[position]!.name])),
  };
}

/** `prompts` in a seeded random order (Fisher–Yates): traffic mixes the tasks the files list apart. */
export function shufflePrompts(prompts: readonly RoutingPrompt[], random: Random): RoutingPrompt[] {
  const shuffled = [...prompts];
  for (let position = shuffled.length - 1; position > 0; position -= 1) {
    const other = Math.floor(random() * (position + 1));
    [shuffled[position], shuffled[other]] = [shuffled[other]!, shuffled[position]!];
  }
  return shuffled;
}
