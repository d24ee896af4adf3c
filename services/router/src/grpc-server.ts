import type { Metadata } from '@grpc/grpc-js';
import type { ServiceHandlers } from '@switchboard/grpc';
import type { GRPCInferenceService, ModelSpec } from '@switchboard/protocol';
import type { WorkerPresence } from '@switchboard/worker-presence';
import { createModelInfer } from './model-infer.js';
import type { ModelInferOptions } from './model-infer.js';
import { checkRequestedName } from './request-limits.js';
import { representativeModel, resolveTarget } from './resolve-target.js';
import { authenticate } from './authenticate.js';
import { checkTenantAccess } from './tenant-access.js';

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
  /**
   * The model that answers for the name (and version) a metadata or readiness call asks about, once
   * the caller is known and allowed to call that name (the same checks as ModelInfer).
   */
  const resolveModel = (request: { name: string; version: string }, metadata: Metadata) => {
    checkRequestedName(request.name, request.version);
    const tenant = authenticate(metadata, snapshot, options.auth);
    const target = resolveTarget(snapshot, request.name, request.version, tenant.access);
    checkTenantAccess(tenant, target);
    return representativeModel(target, snapshot, presence);
  };
  return {
    serverLive: async () => ({ live: true }),
    serverReady: async () => ({ ready: options.isReady() }),
    modelReady: async (request, call) => {
      const model = resolveModel(request, call.metadata);
      return { ready: options.isReady() && presence.isServed(model.name, model.version) };
    },
    serverMetadata: async () => ({ name: 'switchboard', version: options.serverVersion, extensions: [] }),
    modelMetadata: async (request, call) => {
      const model = resolveModel(request, call.metadata);
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
