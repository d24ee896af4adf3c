import { create } from '@bufbuild/protobuf';
import { ModelInferRequestSchema } from '@switchboard/protocol';
import type { ModelInferRequest } from '@switchboard/protocol';
import type { WorkloadRequest } from './create-workload.js';
import { MODALITY_INTERFACES } from './zoo-specs.js';

/** Bytes per element of the zoo's input datatypes. */
const BYTES_PER_ELEMENT: Readonly<Record<string, number>> = { INT32: 4, UINT8: 1, FP32: 4 };

/**
 * The ModelInferRequest of each workload request, with the model name left empty for the strategy
 * to fill in. The same objects are sent by every strategy and given to the in-process selector.
 * Inputs are raw zero bytes of the right size: the synthetic models do not read them, and requests
 * of one size share one buffer (serialisation copies it), which keeps thousands of images in memory
 * cheap. Requests without a tight deadline carry their budget as `sla_ms`.
 */
export function createInferRequests(workload: readonly WorkloadRequest[]): ModelInferRequest[] {
  const buffers = new Map<number, Uint8Array>();
  const zeros = (byteLength: number) => {
    let buffer = buffers.get(byteLength);
    if (buffer === undefined) buffers.set(byteLength, (buffer = new Uint8Array(byteLength)));
    return buffer;
  };
  return workload.map((request) => {
    const { input } = MODALITY_INTERFACES[request.modality];
    const elements = request.shape.reduce((product, dimension) => product * dimension, 1);
    return create(ModelInferRequestSchema, {
      id: String(request.index),
      inputs: [{ name: input.name, datatype: input.datatype, shape: request.shape.map(BigInt) }],
      rawInputContents: [zeros(elements * (BYTES_PER_ELEMENT[input.datatype] ?? 1))],
      parameters: request.tightDeadline
        ? {}
        : { sla_ms: { parameterChoice: { case: 'int64Param', value: BigInt(request.budgetMs) } } },
    });
  });
}
