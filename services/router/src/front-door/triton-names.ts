import type { ModelSpec } from '@switchboard/protocol';

/** Triton's platform and backend names where one exists, so clients that branch on them keep working. */
const TRITON_NAMES: Readonly<Record<string, { platform: string; backend: string }>> = {
  onnx: { platform: 'onnxruntime_onnx', backend: 'onnxruntime' },
};

/** The model's platform and backend as Triton would name them; the runtime's own name otherwise. */
export function tritonNamesOf(model: ModelSpec): { platform: string; backend: string } {
  return TRITON_NAMES[model.runtime] ?? { platform: model.runtime, backend: model.runtime };
}

/**
 * The protocol extensions both doors serve, as Triton names them in ServerMetadata (gRPC) and
 * `GET /v2` (HTTP): clients look here before calling an extension's endpoints.
 */
export const SERVER_EXTENSIONS: readonly string[] = [
  'binary_tensor_data',
  'parameters',
  'model_configuration',
  'statistics',
  'model_repository',
];
