import type { Metadata, ServerDuplexStream } from '@grpc/grpc-js';
import { UnimplementedError } from '@switchboard/grpc';
import type { ServiceHandlers } from '@switchboard/grpc';
import type {
  GRPCInferenceService,
  ModelInferRequest,
  ModelStreamInferResponseSchema,
} from '@switchboard/protocol';
import type { MessageInitShape } from '@bufbuild/protobuf';
import type { WorkerPresence } from '@switchboard/worker-presence';
import { authenticate } from './authenticate.js';
import { readModelConfig } from './front-door/model-config.js';
import { readModelStatistics } from './front-door/model-statistics.js';
import type { StatsSource } from './front-door/model-statistics.js';
import { loadModel, readRepositoryIndex, unloadModel } from './front-door/repository.js';
import type { PlacementControl } from './front-door/repository.js';
import { serveInferStream } from './front-door/stream-infer.js';
import { SERVER_EXTENSIONS, tritonNamesOf } from './front-door/triton-names.js';
import { resolveVisibleModel } from './front-door/visible-model.js';
import { createModelInfer } from './model-infer.js';
import type { ModelInferOptions } from './model-infer.js';

export interface InferenceServiceOptions extends ModelInferOptions {
  presence: WorkerPresence;
  serverVersion: string;
  /** Whether NATS is connected and the registry snapshot loaded. */
  isReady: () => boolean;
  /** The monitor's GetStats, for ModelStatistics, and its address for messages. */
  monitor: StatsSource;
  monitorAddress: string;
  /** The resource manager's pin calls, for RepositoryModelLoad/Unload, and its address for messages. */
  resourceManager: PlacementControl;
  resourceManagerAddress: string;
  /** Requests one ModelStreamInfer call may have in flight. @default DEFAULT_STREAM_MAX_IN_FLIGHT */
  streamMaxInFlight?: number;
}

/** Why the shared-memory, trace and log-settings RPCs are not served, by RPC family. */
const UNSERVED = {
  systemSharedMemory:
    'system shared memory is not supported: models run on workers on other hosts, which cannot read ' +
    "a region in the router's host memory; send tensors in the request (raw_input_contents)",
  cudaSharedMemory:
    'CUDA shared memory is not supported: models run on workers on other hosts, which cannot map a ' +
    "CUDA IPC handle from the client's GPU; send tensors in the request (raw_input_contents)",
  traceSetting:
    'trace settings are not served: tracing is OpenTelemetry, configured per service with OTEL_* ' +
    'variables; send a W3C traceparent header to trace a request',
  logSettings:
    'log settings are not served: each service logs with pino at LOG_LEVEL, set in its environment',
};

function unserved(reason: string): () => Promise<never> {
  return () => Promise.reject(new UnimplementedError(reason));
}

/** The caller's `authorization` metadata, forwarded as is to the resource manager. */
function authorizationOf(metadata: Metadata): string | undefined {
  const [value] = metadata.get('authorization');
  return typeof value === 'string' ? value : undefined;
}

/**
 * The Open Inference Protocol handlers: health, metadata and ModelInfer through the job queue, and
 * Triton's extensions (front-door/): model config and statistics, the repository, streaming.
 */
export function createInferenceHandlers(
  options: InferenceServiceOptions,
): ServiceHandlers<typeof GRPCInferenceService> {
  const { snapshot, presence } = options;
  const modelInfer = createModelInfer(options);
  const context = {
    snapshot,
    presence,
    monitor: options.monitor,
    monitorAddress: options.monitorAddress,
    resourceManager: options.resourceManager,
    resourceManagerAddress: options.resourceManagerAddress,
  };
  const tenantOf = (metadata: Metadata) => authenticate(metadata, snapshot, options.auth);
  /**
   * The model that answers for the name (and version) a metadata or readiness call asks about, once
   * the caller is known and allowed to call that name (the same checks as ModelInfer).
   */
  const resolveModel = (request: { name: string; version: string }, metadata: Metadata) =>
    resolveVisibleModel(context, tenantOf(metadata), request.name, request.version);
  return {
    serverLive: async () => ({ live: true }),
    serverReady: async () => ({ ready: options.isReady() }),
    modelReady: async (request, call) => {
      const model = resolveModel(request, call.metadata);
      return { ready: options.isReady() && presence.isServed(model.name, model.version) };
    },
    serverMetadata: async () => ({
      name: 'switchboard',
      version: options.serverVersion,
      extensions: [...SERVER_EXTENSIONS],
    }),
    modelMetadata: async (request, call) => {
      const model = resolveModel(request, call.metadata);
      return {
        name: request.name,
        versions: model.versions.length > 0 ? model.versions : [model.version],
        platform: tritonNamesOf(model).platform,
        inputs: model.inputs.map(({ name, datatype, shape }) => ({ name, datatype, shape })),
        outputs: model.outputs.map(({ name, datatype, shape }) => ({ name, datatype, shape })),
      };
    },
    modelInfer: (request, call) =>
      modelInfer(request, { deadline: call.getDeadline(), metadata: call.metadata }),
    modelStreamInfer: (call) => streamInfer(call, modelInfer, options),
    modelConfig: async (request, call) => ({
      config: readModelConfig(context, tenantOf(call.metadata), request.name, request.version),
    }),
    modelStatistics: async (request, call) => ({
      modelStats: await readModelStatistics(context, tenantOf(call.metadata), request.name, request.version),
    }),
    repositoryIndex: async (request, call) => ({
      models: readRepositoryIndex(context, tenantOf(call.metadata), request.ready, request.repositoryName),
    }),
    repositoryModelLoad: async (request, call) => {
      await loadModel(context, request.modelName, authorizationOf(call.metadata), {
        repositoryName: request.repositoryName,
        parameterNames: Object.keys(request.parameters),
      });
      return {};
    },
    repositoryModelUnload: async (request, call) => {
      await unloadModel(context, request.modelName, authorizationOf(call.metadata), {
        repositoryName: request.repositoryName,
        parameterNames: Object.keys(request.parameters),
      });
      return {};
    },
    systemSharedMemoryStatus: unserved(UNSERVED.systemSharedMemory),
    systemSharedMemoryRegister: unserved(UNSERVED.systemSharedMemory),
    systemSharedMemoryUnregister: unserved(UNSERVED.systemSharedMemory),
    cudaSharedMemoryStatus: unserved(UNSERVED.cudaSharedMemory),
    cudaSharedMemoryRegister: unserved(UNSERVED.cudaSharedMemory),
    cudaSharedMemoryUnregister: unserved(UNSERVED.cudaSharedMemory),
    traceSetting: unserved(UNSERVED.traceSetting),
    logSettings: unserved(UNSERVED.logSettings),
  };
}

type StreamResponse = MessageInitShape<typeof ModelStreamInferResponseSchema>;

/**
 * ModelStreamInfer over grpc-js: each request goes through the ModelInfer path with the stream's
 * metadata and deadline; a cancelled stream stops reading and drops the answers still running.
 */
async function streamInfer(
  call: ServerDuplexStream<ModelInferRequest, StreamResponse>,
  modelInfer: ReturnType<typeof createModelInfer>,
  options: InferenceServiceOptions,
): Promise<void> {
  let cancelled = false;
  call.on('cancelled', () => {
    cancelled = true;
    // Ends the read side, so the loop over requests stops waiting for more.
    call.push(null);
  });
  const logger = options.logger;
  await serveInferStream(
    {
      // Reading to the end must not destroy the call: its responses and status are still to be written.
      requests: call.iterator({ destroyOnReturn: false }) as AsyncIterable<ModelInferRequest>,
      infer: (request) => modelInfer(request, { deadline: call.getDeadline(), metadata: call.metadata }),
      send: (response) =>
        new Promise<void>((resolve) => {
          if (cancelled) return resolve();
          call.write(response, () => resolve());
        }),
      onUnexpectedError: (error) =>
        logger.error({ err: error, method: 'ModelStreamInfer' }, 'unexpected error in a streamed request'),
      isCancelled: () => cancelled,
    },
    options.streamMaxInFlight,
  );
}
