import type { GrpcClient } from '@switchboard/grpc';
import { importInChunks, toOutcomeRows } from '@switchboard/outcome-files';
import type { OutcomeRecord } from '@switchboard/outcome-files';
import type { OptimizerService } from '@switchboard/protocol';
import { reportProgress } from '../shared/report-progress.js';
import { pollPolicy } from './wait-for-policy.js';

/** Rows per ImportOutcomes call, as `switchboard optimizer import` sends them. */
const CHUNK_ROWS = 200;
const STORE_TIMEOUT_MS = 60_000;
const TRAIN_TIMEOUT_MS = 600_000;
const LIVE_TIMEOUT_MS = 60_000;

/** What the offline import needs. */
export interface OfflineImportOptions {
  readonly optimizer: GrpcClient<typeof OptimizerService>;
  readonly route: string;
  readonly train: readonly OutcomeRecord[];
  /** File model name → registry name. */
  readonly modelNames: ReadonlyMap<string, string>;
}

/**
 * Imports the training rows for the route in chunks, training on the last, as
 * `switchboard optimizer import` does, and waits until the optimizer reports the policy live.
 * @returns the live version.
 * @throws Error when the optimizer publishes no policy (with its refusal) or does not report it live.
 */
export async function importTrainingRows(options: OfflineImportOptions): Promise<bigint> {
  const { optimizer, route } = options;
  const summary = await importInChunks(toOutcomeRows(options.train, options.modelNames), {
    route,
    chunkRows: CHUNK_ROWS,
    train: true,
    send: (chunk) =>
      optimizer.importOutcomes(chunk, { timeoutMs: chunk.train ? TRAIN_TIMEOUT_MS : STORE_TIMEOUT_MS }),
    progress: (line) => reportProgress(`  ${line}`),
  });
  if (summary.outcomesSkipped > 0n) {
    reportProgress(
      `  the optimizer skipped ${summary.outcomesSkipped} outcomes (models not candidates of ${route})`,
    );
  }
  if (summary.policyVersion === 0n) {
    throw new Error(
      `the optimizer published no policy for ${route}: ${summary.refusal || 'no reason given'}`,
    );
  }
  const { accepted } = await pollPolicy(
    optimizer,
    route,
    (response) => response.liveVersion >= summary.policyVersion,
    LIVE_TIMEOUT_MS,
  );
  if (!accepted) throw new Error(`policy version ${summary.policyVersion} of ${route} did not go live`);
  reportProgress(`  stored ${summary.rowsStored} rows; policy version ${summary.policyVersion} is live`);
  return summary.policyVersion;
}
