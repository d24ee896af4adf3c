import type { ServiceHandlers } from '@switchboard/grpc';
import type { GRPCInferenceService, ModelSpec } from '@switchboard/protocol';
import type { WorkerPresence } from '@switchboard/worker-presence';
import { createModelInfer } from './model-infer.js';
import type { ModelInferOptions } from './model-infer.js';
import { checkRequestedName } from './request-limits.js';
import { representativeModel, resolveTarget } from './resolve-target.js';

export interface InferenceServiceOptions extends ModelInferOptions {
  presence: WorkerPresence;
  serverVersion: string;
  /** Whether NATS is connected and the registry snapshot loaded. */
  isReady: () => boolean;
}

/** Triton's platform names where one exists, so clients that branch on the platform keep working. */
function platformOf(model: ModelSpec): string {
  return model.runtime === 'onnx' ? 'onnxruntime_onnx' : model.runtime;
}

/** The Open Inference Protocol handlers: health, metadata and ModelInfer through the job queue. */
export function createInferenceHandlers(
  options: InferenceServiceOptions,
): ServiceHandlers<typeof GRPCInferenceService> {
  const { snapshot, presence } = options;
  const modelInfer = createModelInfer(options);
  /** The model that answers for the name (and version) a metadata or readiness call asks about. */
  const resolveModel = (request: { name: string; version: string }) => {
    checkRequestedName(request.name, request.version);
    return representativeModel(resolveTarget(snapshot, request.name, request.version), snapshot, presence);
  };
  return {
    serverLive: async () => ({ live: true }),
    serverReady: async () => ({ ready: options.isReady() }),
    modelReady: async (request) => {
      const model = resolveModel(request);
      return { ready: options.isReady() && presence.isServed(model.name, model.version) };
    },
    serverMetadata: async () => ({ name: 'switchboard', version: options.serverVersion, extensions: [] }),
    modelMetadata: async (request) => {
      const model = resolveModel(request);
      return {
        name: request.name,
        versions: model.versions.length > 0 ? model.versions : [model.version],
        platform: platformOf(model),
        inputs: model.inputs.map(({ name, datatype, shape }) => ({ name, datatype, shape })),
        outputs: model.outputs.map(({ name, datatype, shape }) => ({ name, datatype, shape })),
      };
    },
    modelInfer: (request, call) =>
      modelInfer(request, { deadline: call.getDeadline(), metadata: call.metadata }),
  };
}
