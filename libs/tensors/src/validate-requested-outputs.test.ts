import { create } from '@bufbuild/protobuf';
import { InvalidArgumentError } from '@switchboard/errors';
import { ModelInferRequestSchema, TensorSpecSchema } from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';
import { validateRequestedOutputs } from './validate-requested-outputs.js';

const OUTPUT_SPECS = [
  create(TensorSpecSchema, { name: 'logits', datatype: 'FP32', shape: [-1n, 10n] }),
  create(TensorSpecSchema, { name: 'label', datatype: 'BYTES', shape: [-1n] }),
];

function requesting(...names: string[]) {
  return create(ModelInferRequestSchema, { modelName: 'resnet', outputs: names.map((name) => ({ name })) });
}

describe('validateRequestedOutputs', () => {
  it('accepts a request that asks for no outputs, which means all of them', () => {
    expect(() => validateRequestedOutputs(requesting(), OUTPUT_SPECS)).not.toThrow();
  });

  it('accepts declared outputs', () => {
    expect(() => validateRequestedOutputs(requesting('label', 'logits'), OUTPUT_SPECS)).not.toThrow();
  });

  it('rejects an unknown output, listing the declared ones', () => {
    const validate = () => validateRequestedOutputs(requesting('probs'), OUTPUT_SPECS);
    expect(validate).toThrow(InvalidArgumentError);
    expect(validate).toThrow('model "resnet" has no output named "probs"; its outputs are "logits", "label"');
  });

  it('rejects an output requested twice', () => {
    const validate = () => validateRequestedOutputs(requesting('label', 'label'), OUTPUT_SPECS);
    expect(validate).toThrow('output "label" is requested more than once');
  });
});
