import type { ModelMetadataResponse_TensorMetadata, ModelSpec, TensorSpec } from '@switchboard/protocol';

type UpstreamTensor = ModelMetadataResponse_TensorMetadata;

const VARIABLE = -1n;

function describe(tensor: TensorSpec | UpstreamTensor): string {
  return `${tensor.datatype} [${tensor.shape.join(', ')}]`;
}

/**
 * Whether the upstream takes every input the registry lets through: each dimension the upstream
 * fixes must be fixed to the same size in the spec (a spec's -1 would send sizes it refuses).
 */
function acceptsInput(declared: TensorSpec, upstream: UpstreamTensor): boolean {
  return (
    declared.shape.length === upstream.shape.length &&
    upstream.shape.every((dimension, index) => dimension === VARIABLE || dimension === declared.shape[index])
  );
}

/** Whether an upstream output can fit the declared one: where both fix a dimension, they agree. */
function fitsOutput(declared: TensorSpec, upstream: UpstreamTensor): boolean {
  return (
    declared.shape.length === upstream.shape.length &&
    upstream.shape.every((dimension, index) => {
      const wanted = declared.shape[index] as bigint;
      return dimension === VARIABLE || wanted === VARIABLE || dimension === wanted;
    })
  );
}

function findTensorProblem(
  kind: 'input' | 'output',
  declared: TensorSpec,
  upstream: readonly UpstreamTensor[],
): string | undefined {
  const found = upstream.find((tensor) => tensor.name === declared.name);
  if (found === undefined) {
    const names = upstream.map((tensor) => `"${tensor.name}"`).join(', ') || 'none';
    return `the upstream has no ${kind} "${declared.name}" (its ${kind}s: ${names})`;
  }
  const fits = kind === 'input' ? acceptsInput(declared, found) : fitsOutput(declared, found);
  if (found.datatype !== declared.datatype || !fits) {
    return (
      `${kind} "${declared.name}" is ${describe(declared)} in the registry ` +
      `but ${describe(found)} upstream`
    );
  }
  return undefined;
}

/**
 * Compares the registry's tensors with what the upstream's ModelMetadata declares: every declared
 * input and output must exist upstream with the same datatype and rank and agreeing dimensions
 * (-1 is variable), and the upstream may require no input the registry does not declare.
 * Upstream outputs the registry does not declare are fine: the runtime asks for its own only.
 * @returns a sentence saying what differs, or `undefined` when the two agree.
 */
export function findIncompatibility(
  spec: ModelSpec,
  upstream: { inputs: readonly UpstreamTensor[]; outputs: readonly UpstreamTensor[] },
): string | undefined {
  for (const input of spec.inputs) {
    const problem = findTensorProblem('input', input, upstream.inputs);
    if (problem !== undefined) return problem;
  }
  for (const output of spec.outputs) {
    const problem = findTensorProblem('output', output, upstream.outputs);
    if (problem !== undefined) return problem;
  }
  const undeclared = upstream.inputs.find((input) => !spec.inputs.some(({ name }) => name === input.name));
  if (undeclared !== undefined) {
    return `the upstream needs input "${undeclared.name}", which the registry does not declare`;
  }
  return undefined;
}
