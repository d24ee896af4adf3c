import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import type { Tensor } from '@switchboard/tensors';

/** Prompts of the simulated LLMs' tests: two with recorded outcomes, one without. */
export const CAPITAL = 'What is the capital of France?';
export const RIEMANN = 'Prove the Riemann hypothesis.';
export const UNRECORDED = 'Write a haiku about batching.';

export const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
export const utf8 = (text: string) => new TextEncoder().encode(text);

/** The tensors of a simulated LLM's spec (`synthetic-llm`, `synthetic-stepwise`). */
export const LLM_INPUTS = [
  { name: 'text_input', datatype: 'BYTES', shape: [-1n] },
  { name: 'context', datatype: 'BYTES', shape: [-1n] },
  { name: 'max_tokens', datatype: 'INT32', shape: [-1n] },
];
export const LLM_OUTPUTS = ['correct', 'cost_usd', 'output_tokens'].map((name) => ({
  name,
  datatype: 'FP32',
  shape: [-1n, 1n],
}));

export interface Sequence {
  prompt: string;
  context?: string;
  maxTokens: number;
}

/** Sequences as the worker hands them to a runtime: one row per sequence. */
export function batchOf(sequences: Sequence[]): Tensor[] {
  const rows = sequences.length;
  return [
    { name: 'text_input', datatype: 'BYTES', shape: [rows], data: sequences.map((s) => utf8(s.prompt)) },
    { name: 'context', datatype: 'BYTES', shape: [rows], data: sequences.map((s) => utf8(s.context ?? '')) },
    {
      name: 'max_tokens',
      datatype: 'INT32',
      shape: [rows],
      data: Int32Array.from(sequences, (s) => s.maxTokens),
    },
  ];
}

/** The FP32 values of the output `name`. */
export const columnOf = (outputs: Tensor[], name: string) =>
  Array.from(outputs.find((output) => output.name === name)?.data as Float32Array);

/** Writes the outcomes file both tests use: CAPITAL answered right for $0.00042, RIEMANN wrong for $0.0125. */
export async function writeRecordedOutcomes(path: string): Promise<void> {
  const lines = [
    { prompt_sha256: sha256(CAPITAL), correct: 1, cost_usd: 0.00042 },
    { prompt_sha256: sha256(RIEMANN), correct: 0, cost_usd: 0.0125 },
  ];
  await writeFile(path, lines.map((line) => JSON.stringify(line)).join('\n'));
}
