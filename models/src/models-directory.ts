import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Absolute path of `models/generated/`, where the package build writes the .onnx files and
 * manifest.json. Resolved from this module's location, which is one level below the package root
 * both in `src/` (tests) and in `dist/` (built code).
 */
export const modelsDirectory: string = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'generated');

/** File name of the manifest inside {@link modelsDirectory}. */
export const manifestFileName = 'manifest.json';
