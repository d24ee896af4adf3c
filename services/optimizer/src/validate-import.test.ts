import { create } from '@bufbuild/protobuf';
import { InvalidArgumentError } from '@switchboard/errors';
import { OutcomeRowSchema } from '@switchboard/protocol';
import { DEFAULT_FEATURE_SETTINGS, featurisePrompt } from '@switchboard/routing-policy';
import { describe, expect, it } from 'vitest';
import { featuriseRow } from './imported-row.js';
import { MAX_ROWS_PER_CALL, validateImport } from './validate-import.js';

const row = (prompt: string, outcomes: { model: string; quality: number; costUsd: number }[]) =>
  create(OutcomeRowSchema, { prompt, outcomes });

describe('validateImport', () => {
  it("keeps the route's candidates' outcomes and counts the others as skipped", () => {
    const { rows, outcomesSkipped } = validateImport(
      [
        row('What is 2 + 2?', [
          { model: 'small', quality: 1, costUsd: 0.0001 },
          { model: 'elsewhere', quality: 1, costUsd: 0.01 },
        ]),
        row('Only others answered this', [{ model: 'elsewhere', quality: 0, costUsd: 0.01 }]),
      ],
      ['small', 'large'],
    );
    expect(outcomesSkipped).toBe(2);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.outcomes).toEqual(new Map([['small', { quality: 1, costUsd: 0.0001 }]]));
  });

  it('stores a long prompt clipped, with features equal to those of the whole prompt', () => {
    const prompt = `${'opening words '.repeat(300)}middle ${'closing question '.repeat(300)}`;
    const [stored] = validateImport(
      [row(prompt, [{ model: 'small', quality: 1, costUsd: 0 }])],
      ['small'],
    ).rows;
    expect(stored!.prompt.length).toBeLessThanOrEqual(DEFAULT_FEATURE_SETTINGS.maxPromptChars + 1);
    expect(stored!.promptLength).toBe(prompt.length);
    expect(featuriseRow(stored!)).toEqual(featurisePrompt(prompt, DEFAULT_FEATURE_SETTINGS));
  });

  it('names the row and the model to fix', () => {
    const check = (outcomes: { model: string; quality: number; costUsd: number }[]) => () =>
      validateImport(
        [row('fine', [{ model: 'small', quality: 1, costUsd: 0 }]), row('p', outcomes)],
        ['small'],
      );
    expect(check([{ model: 'small', quality: 2, costUsd: 0 }])).toThrow(
      'row 2, model "small": quality 2 is outside [0, 1]; give e.g. 1 for a correct answer and 0 for a wrong one',
    );
    expect(check([{ model: 'x', quality: 1, costUsd: Number.POSITIVE_INFINITY }])).toThrow(
      'row 2, model "x": cost_usd Infinity must be a finite number of US dollars >= 0',
    );
    expect(check([{ model: '', quality: 1, costUsd: 0 }])).toThrow('row 2: an outcome has no model name');
    expect(
      check([
        { model: 'small', quality: 1, costUsd: 0 },
        { model: 'small', quality: 0, costUsd: 0 },
      ]),
    ).toThrow('row 2, model "small": the model appears twice in the row; keep one outcome');
  });

  it('refuses more rows than one call may carry', () => {
    const rows = Array.from({ length: MAX_ROWS_PER_CALL + 1 }, () => row('p', []));
    expect(() => validateImport(rows, ['small'])).toThrow(InvalidArgumentError);
    expect(() => validateImport(rows, ['small'])).toThrow(/send at most 2000 per call/);
  });
});
