import { classifierModelSpecs } from '@switchboard/models';
import type { ModelSpec } from '@switchboard/protocol';

/** The registry entry of one of the generated classifiers (`classifier-small` or `classifier-large`). */
export function classifierSpec(name: string): ModelSpec {
  const spec = classifierModelSpecs().find((candidate) => candidate.name === name);
  if (spec === undefined) throw new Error(`no generated classifier named ${name}; run pnpm build`);
  return spec;
}
