/**
 * Outcome files: what each of several models did with each of many prompts (RouterBench's CSV
 * layout), read with clear errors, mapped to registry model names, turned into the rows the
 * optimizer's ImportOutcomes takes and sent in chunks. Used by `switchboard optimizer import` and
 * the benchmarks.
 */
export type { ImportChunk, ImportOptions, ImportSummary } from './import-in-chunks.js';
export { importInChunks } from './import-in-chunks.js';
export type { OutcomeFileLocation } from './outcome-file-error.js';
export { OutcomeFileError } from './outcome-file-error.js';
export type { OutcomeFile, OutcomeRecord, RecordedOutcome } from './parse-outcome-file.js';
export { readOutcomeFile, readOutcomeFiles } from './read-outcome-files.js';
export { mapModelNames, registryModelName } from './registry-model-name.js';
export { toOutcomeRows } from './to-outcome-rows.js';
