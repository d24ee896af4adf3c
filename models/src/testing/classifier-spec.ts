import type { ModelSpec } from '@switchboard/protocol';
import { classifierModelSpecs } from '../classifier-model-specs.js';

/**
 * The registry entry of one of the generated classifiers (`classifier-small` or `classifier-large`).
 * @throws Error naming `pnpm build` when no generated classifier has that name.
 */
export function classifierSpec(name: string): ModelSpec {
  const spec = classifierModelSpecs().find((candidate) => candidate.name === name);
  if (spec === undefined) throw new Error(`no generated classifier named ${name}; run pnpm build`);
  return spec;
}
