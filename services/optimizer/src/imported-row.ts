import { createHash } from 'node:crypto';
import { DEFAULT_FEATURE_SETTINGS, featurisePrompt } from '@switchboard/routing-policy';

/** One model's recorded outcome on a prompt. */
export interface ModelOutcome {
  /** In [0, 1]. */
  readonly quality: number;
  readonly costUsd: number;
}

/** A full-information row: a prompt and every candidate model's outcome on it. */
export interface ImportedRow {
  /** SHA-256 of the whole prompt, base64url. */
  readonly promptKey: string;
  /** The prompt as the featuriser reads it: clipped to its head and tail. */
  readonly prompt: string;
  /** The whole prompt's length, UTF-16 code units. */
  readonly promptLength: number;
  readonly outcomes: ReadonlyMap<string, ModelOutcome>;
  /** Never trained on; compares policies when no feedback has been logged. */
  readonly heldOut: boolean;
}

/** About one row in this many is held out. */
const HELD_OUT_ONE_IN = 10;
/** Seeds the held-out hash, so the split is fixed for a prompt whatever the file or the order. */
const HELD_OUT_SEED = 'switchboard-optimizer-held-out-v1\n';

/**
 * Builds the stored form of a prompt's outcomes: the prompt clipped as featurisePrompt reads it
 * (its first and last halves of maxPromptChars joined by a space; clipping that again changes
 * nothing) with its whole length, so features can be recomputed from the row alone.
 */
export function toImportedRow(prompt: string, outcomes: ReadonlyMap<string, ModelOutcome>): ImportedRow {
  return {
    promptKey: createHash('sha256').update(prompt).digest('base64url'),
    prompt: clipPrompt(prompt, DEFAULT_FEATURE_SETTINGS.maxPromptChars),
    promptLength: prompt.length,
    outcomes,
    heldOut: isHeldOut(prompt),
  };
}

/** The row's prompt features under the default featuriser settings. */
export function featuriseRow(row: Pick<ImportedRow, 'prompt' | 'promptLength'>): Uint32Array {
  return featurisePrompt(row.prompt, DEFAULT_FEATURE_SETTINGS, row.promptLength);
}

function isHeldOut(prompt: string): boolean {
  const digest = createHash('sha256').update(HELD_OUT_SEED).update(prompt).digest();
  return digest.readUInt32BE(0) % HELD_OUT_ONE_IN === 0;
}

function clipPrompt(prompt: string, maxChars: number): string {
  if (prompt.length <= maxChars) return prompt;
  const half = Math.floor(maxChars / 2);
  return `${prompt.slice(0, half)} ${prompt.slice(prompt.length - half)}`;
}
