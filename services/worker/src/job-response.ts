import type { MessageInitShape } from '@bufbuild/protobuf';
import type { ModelInferRequest, ModelInferResponseSchema, ModelSpec } from '@switchboard/protocol';
import type { Tensor } from '@switchboard/tensors';
import { encodeOutputs } from '@switchboard/tensors';

/** A request may carry more inputs than it asked outputs for; keep only the ones it asked for. */
function selectOutputs(request: ModelInferRequest, outputs: Tensor[]): Tensor[] {
  const requested = request.outputs.map((output) => output.name);
  return requested.length === 0 ? outputs : outputs.filter((output) => requested.includes(output.name));
}

/**
 * The answer to one job: the outputs it asked for (all of them when it named none), encoded raw,
 * under the model's name and version and the request's id. Batch and continuous scheduling both
 * answer through it, so a job reads the same whichever ran it.
 * @param outputs the job's own rows of the model's outputs.
 */
export function toJobResponse(
  spec: ModelSpec,
  request: ModelInferRequest,
  outputs: Tensor[],
): MessageInitShape<typeof ModelInferResponseSchema> {
  const { outputs: encoded, rawOutputContents } = encodeOutputs(selectOutputs(request, outputs));
  return {
    modelName: spec.name,
    modelVersion: spec.version,
    id: request.id,
    outputs: encoded,
    rawOutputContents,
  };
}
