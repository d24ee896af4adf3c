import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { modelsDirectory } from '../models-directory.js';
import { generateModels } from './generate-models.js';

const directory = mkdtempSync(join(tmpdir(), 'switchboard-models-'));

afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('generateModels', () => {
  it('regenerates the built models byte for byte', { timeout: 30_000 }, () => {
    const manifest = generateModels(directory);
    for (const model of manifest.models) {
      expect(readFileSync(join(directory, model.file))).toEqual(
        readFileSync(join(modelsDirectory, model.file)),
      );
    }
    expect(readFileSync(join(directory, 'manifest.json'), 'utf8')).toBe(
      readFileSync(join(modelsDirectory, 'manifest.json'), 'utf8'),
    );
  });
});
