import type { ModelInferRequest } from '@switchboard/protocol';

/** `model "resnet"`, or `the model` when the request does not name one (e.g. the router resolved a route). */
export function describeModel(request: ModelInferRequest): string {
  return request.modelName === '' ? 'the model' : `model "${request.modelName}"`;
}

/** Quoted, comma-separated tensor names for messages, e.g. `"a", "b"`; `none` when empty. */
export function listNames(tensors: readonly { name: string }[]): string {
  return tensors.length === 0 ? 'none' : tensors.map((tensor) => `"${tensor.name}"`).join(', ');
}
