import { modelsDirectory } from '../models-directory.js';
import { generateModels } from './generate-models.js';

// Build step (`node dist/generator/main.js`): writes the models and reports one line per model.
// A build script has no logger; plain stdout/stderr lines are what turbo shows.
const startedMs = performance.now();
try {
  const manifest = generateModels(modelsDirectory);
  for (const model of manifest.models) {
    process.stdout.write(
      `${model.name}: ${model.parameterCount} parameters, ${model.sizeBytes} bytes, ` +
        `held-out accuracy ${model.heldOutAccuracy}, relative cost ${model.relativeCost}\n`,
    );
  }
  process.stdout.write(`wrote ${modelsDirectory} in ${Math.round(performance.now() - startedMs)} ms\n`);
} catch (error) {
  process.stderr.write(
    `generating models failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
}
