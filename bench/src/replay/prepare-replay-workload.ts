import { readOutcomeFiles } from '@switchboard/outcome-files';
import { readTraces } from '../shared/read-trace.js';
import { reportProgress } from '../shared/report-progress.js';
import { createSeededRandom } from '../shared/seeded-random.js';
import { createReplayWorkload, DEFAULT_TIERS, splitPrompts } from './create-replay-workload.js';
import { simulatedLlmOf } from './llm-catalogue.js';
import type { ReplayFlags } from './parse-replay-flags.js';
import { toPromptRecord } from './prompt-record.js';

/** Share of the prompts evaluated when no training files are given; the rest train the policies. */
const EVALUATION_SHARE = 0.5;

/**
 * The prompts, split into what policies learn from and what they are judged on, as rows of the
 * outcome files (the training rows go to the optimizer as they are).
 */
async function readPrompts(flags: ReplayFlags) {
  const prompts = await readOutcomeFiles(flags.prompts);
  if (flags.train.length > 0) return { train: await readOutcomeFiles(flags.train), evaluation: prompts };
  return splitPrompts(prompts, EVALUATION_SHARE, createSeededRandom(flags.seed, 0));
}

/** Replay inputs: the request sequence every policy is sent, the training rows and the trace. */
export async function prepareReplayWorkload(flags: ReplayFlags) {
  const [arrivals, split] = await Promise.all([readTraces([flags.trace]), readPrompts(flags)]);
  const evaluation = split.evaluation.map(toPromptRecord);
  const train = split.train.map(toPromptRecord);
  const models = [...(evaluation[0]?.outcomes.keys() ?? [])].map(simulatedLlmOf);
  const workload = createReplayWorkload(arrivals, evaluation, {
    durationMs: flags.durationSeconds * 1_000,
    tiers: DEFAULT_TIERS,
    random: createSeededRandom(flags.seed, 1),
  });
  reportProgress(
    `${workload.length} requests over ${flags.durationSeconds} s of ${flags.trace}; ` +
      `${evaluation.length} evaluation and ${train.length} training prompts, ${models.length} models`,
  );
  return { workload, train, trainRows: split.train, evaluation, models, arrivals };
}

/** What {@link prepareReplayWorkload} reads. */
export type ReplayInputs = Awaited<ReturnType<typeof prepareReplayWorkload>>;
