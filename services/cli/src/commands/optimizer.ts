import { importInChunks, mapModelNames, readOutcomeFile, toOutcomeRows } from '@switchboard/outcome-files';
import type { ImportSummary } from '@switchboard/outcome-files';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { CommandContext } from '../command-context.js';
import { collect, parseKeyValue } from '../parse-flag-values.js';

/** Rows per ImportOutcomes call: a few hundred KB for RouterBench's longest prompts. */
const DEFAULT_CHUNK_ROWS = 200;
/** Deadline of a call that only stores rows. */
const STORE_TIMEOUT_MS = 60_000;
/** Deadline of the last call, which also trains every candidate's predictor on all stored rows. */
const TRAIN_TIMEOUT_MS = 600_000;

interface ImportFlags {
  route: string;
  file: string;
  model?: [string, string][];
  chunkRows: number;
  train: boolean;
}

/** Adds `optimizer import` to `program`. */
export function registerOptimizerCommand(program: Command, context: CommandContext): void {
  const optimizer = program
    .command('optimizer')
    .description('the optimizer that learns how routes choose models');
  optimizer
    .command('import')
    .description(
      'import an outcome file (RouterBench CSV) as training data for a route, then train its policy',
    )
    .requiredOption('--route <name>', 'the route whose policy learns from the file')
    .requiredOption(
      '--file <outcomes.csv>',
      'a CSV with a prompt column, one correctness column per model and a <model>|total_cost column each',
    )
    .option(
      '--model <csvName=registryName>',
      'the registry name of a model of the file (repeat); others: lowercase, last path segment, [^a-z0-9_-] → -',
      collect(parseKeyValue),
    )
    .option('--chunk-rows <n>', 'rows per ImportOutcomes call', parsePositiveCount, DEFAULT_CHUNK_ROWS)
    .option('--no-train', 'only store the rows; a later import trains on everything stored')
    .action(async (flags: ImportFlags) => runImport(flags, context));
}

async function runImport(flags: ImportFlags, context: CommandContext): Promise<void> {
  const { stdout, stderr } = context.io;
  const file = await readOutcomeFile(flags.file);
  const names = mapModelNames(file.models, new Map(flags.model ?? []));
  if (file.records.length === 0) throw new Error(`${flags.file} has no rows`);
  stderr.write(
    `${file.records.length} rows of ${file.models.length} models; registry names: ` +
      `${[...names].map(([csv, registry]) => (csv === registry ? csv : `${csv} → ${registry}`)).join(', ')}\n`,
  );
  const summary = await importInChunks(toOutcomeRows(file.records, names), {
    route: flags.route,
    chunkRows: flags.chunkRows,
    train: flags.train,
    send: (chunk) =>
      context
        .optimizer()
        .importOutcomes(chunk, { timeoutMs: chunk.train ? TRAIN_TIMEOUT_MS : STORE_TIMEOUT_MS }),
    progress: (line) => stderr.write(`${line}\n`),
  });
  stdout.write(describeImport(flags.route, summary, flags.train));
  if (flags.train && summary.policyVersion === 0n) {
    throw new Error(
      `the optimizer published no policy for route ${flags.route}: ${summary.refusal || 'it gave no reason'}`,
    );
  }
}

/** What an import did, for stdout. */
export function describeImport(route: string, summary: ImportSummary, trained: boolean): string {
  const skipped =
    summary.outcomesSkipped === 0n
      ? ''
      : `; skipped ${summary.outcomesSkipped} outcomes of models that are not candidates of the route ` +
        '(see the registry names on stderr; map a model with --model csvName=registryName)';
  const lines = [`stored ${summary.rowsStored} rows for route ${route}${skipped}`];
  if (trained && summary.policyVersion > 0n) lines.push(`published policy version ${summary.policyVersion}`);
  return `${lines.join('\n')}\n`;
}

function parsePositiveCount(text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 1 || value > 100_000)
    throw new InvalidArgumentError('expected a whole number from 1 to 100000');
  return value;
}
