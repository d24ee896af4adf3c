import { describe, expect, it } from 'vitest';
import { describeImport } from './optimizer.js';

describe('describeImport', () => {
  it('says what was stored and published, and how to map the models of skipped outcomes', () => {
    const summary = { rowsStored: 2225n, outcomesSkipped: 0n, policyVersion: 3n, refusal: '' };
    expect(describeImport('llm', summary, true)).toBe(
      'stored 2225 rows for route llm\npublished policy version 3\n',
    );
    expect(describeImport('llm', { ...summary, outcomesSkipped: 4n, policyVersion: 0n }, false)).toBe(
      'stored 2225 rows for route llm; skipped 4 outcomes of models that are not candidates of the route ' +
        '(see the registry names on stderr; map a model with --model csvName=registryName)\n',
    );
  });
});
