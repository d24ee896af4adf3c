import type { Tensor } from './tensor.js';

/**
 * A key that is equal for two requests exactly when `concatBatch` can join their inputs: each input's
 * name, datatype and every dimension except the batch dimension (written `*`), in order, e.g.
 * `pixels:FP32[*,3,224,224];mask:BOOL[*,224]`. A scalar input is written with empty brackets.
 */
export function batchSignature(tensors: readonly Tensor[]): string {
  return tensors
    .map(({ name, datatype, shape }) => {
      const dimensions = shape.length === 0 ? '' : ['*', ...shape.slice(1)].join(',');
      return `${name}:${datatype}[${dimensions}]`;
    })
    .join(';');
}
