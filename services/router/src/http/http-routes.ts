import type { IncomingMessage } from 'node:http';
import type { ModelSpec } from '@switchboard/protocol';
import { authenticate } from '../authenticate.js';
import type { CallMetadata } from '../call-metadata.js';
import type { InferenceServiceOptions } from '../grpc-server.js';
import { createModelInfer } from '../model-infer.js';
import { checkRequestedName } from '../request-limits.js';
import { representativeModel, resolveTarget } from '../resolve-target.js';
import { checkTenantAccess } from '../tenant-access.js';
import { decodeInferRequest } from './decode-infer-request.js';
import { encodeInferResponse } from './encode-infer-response.js';
import type { EncodedBody } from './encode-infer-response.js';
import { headerMetadata } from './header-metadata.js';
import { readBody } from './read-body.js';

/** One HTTP call as a route's handler sees it. */
export interface HttpCall {
  request: IncomingMessage;
  /** The route's path parameters, percent-decoded (`name`, `version`). */
  params: Readonly<Record<string, string | undefined>>;
}

/** A handler's answer. */
export interface HttpReply extends EncodedBody {
  status: number;
}

/** An endpoint: method, path template (find-my-way syntax; also the metrics label) and handler. */
export interface HttpRoute {
  method: 'GET' | 'POST';
  template: string;
  handle(call: HttpCall): Promise<HttpReply>;
}

export interface HttpRoutesOptions extends InferenceServiceOptions {
  /** Largest request body, in bytes. */
  maxBodyBytes: number;
  /** Whether this door is draining: readiness answers false while in-flight calls finish. */
  isStopping: () => boolean;
}

/** Extensions of the KServe v2 protocol this door implements, as Triton names them. */
const EXTENSIONS = ['binary_tensor_data', 'parameters'];

const MODEL = '/v2/models/:name';
const MODEL_VERSION = '/v2/models/:name/versions/:version';

/** Triton's platform names where one exists, so clients that branch on the platform keep working. */
function platformOf(model: ModelSpec): string {
  return model.runtime === 'onnx' ? 'onnxruntime_onnx' : model.runtime;
}

function json(status: number, value: unknown): HttpReply {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) };
}

function targetOf(call: HttpCall) {
  return { name: call.params.name ?? '', version: call.params.version ?? '' };
}

/**
 * The KServe v2 HTTP/REST endpoints over the same request path as the gRPC door: ModelInfer's
 * validation, selection, deadlines, authentication, tenant access and deduplication
 * (createModelInfer), with HTTP headers as its metadata.
 */
export function createHttpRoutes(options: HttpRoutesOptions): HttpRoute[] {
  const { snapshot, presence } = options;
  const modelInfer = createModelInfer(options);
  const isReady = () => options.isReady() && !options.isStopping();
  /** The model that answers for a metadata or readiness call, after the checks ModelInfer makes. */
  const resolveModel = (target: { name: string; version: string }, metadata: CallMetadata) => {
    checkRequestedName(target.name, target.version);
    const tenant = authenticate(metadata, snapshot, options.auth);
    const resolved = resolveTarget(snapshot, target.name, target.version, tenant.access);
    checkTenantAccess(tenant, resolved);
    return representativeModel(resolved, snapshot, presence);
  };
  const modelMetadata = async (call: HttpCall) => {
    const model = resolveModel(targetOf(call), headerMetadata(call.request));
    return json(200, {
      name: targetOf(call).name,
      versions: model.versions.length > 0 ? model.versions : [model.version],
      platform: platformOf(model),
      inputs: model.inputs.map(({ name, datatype, shape }) => ({ name, datatype, shape: shape.map(Number) })),
      outputs: model.outputs.map(({ name, datatype, shape }) => ({
        name,
        datatype,
        shape: shape.map(Number),
      })),
    });
  };
  const modelReady = async (call: HttpCall) => {
    const target = targetOf(call);
    const model = resolveModel(target, headerMetadata(call.request));
    const ready = isReady() && presence.isServed(model.name, model.version);
    // KServe v2: the status is the answer (200 true, 4xx false); the body repeats it for JSON clients.
    return json(ready ? 200 : 400, { name: target.name, ready });
  };
  const infer = async (call: HttpCall) => {
    const body = await readBody(call.request, options.maxBodyBytes);
    const headerLength = call.request.headers['inference-header-content-length'];
    const { request, binaryOutputs } = decodeInferRequest(
      body,
      Array.isArray(headerLength) ? headerLength[0] : headerLength,
      targetOf(call),
    );
    // HTTP has no deadline of its own: Triton's `timeout` parameter sets one, else the default.
    const response = await modelInfer(request, {
      deadline: Infinity,
      metadata: headerMetadata(call.request),
    });
    return { status: 200, ...encodeInferResponse(response, binaryOutputs) };
  };
  return [
    { method: 'GET', template: '/v2/health/live', handle: async () => json(200, { live: true }) },
    {
      method: 'GET',
      template: '/v2/health/ready',
      handle: async () => (isReady() ? json(200, { ready: true }) : json(400, { ready: false })),
    },
    {
      method: 'GET',
      template: '/v2',
      handle: async () =>
        json(200, { name: 'switchboard', version: options.serverVersion, extensions: EXTENSIONS }),
    },
    { method: 'GET', template: MODEL, handle: modelMetadata },
    { method: 'GET', template: MODEL_VERSION, handle: modelMetadata },
    { method: 'GET', template: `${MODEL}/ready`, handle: modelReady },
    { method: 'GET', template: `${MODEL_VERSION}/ready`, handle: modelReady },
    { method: 'POST', template: `${MODEL}/infer`, handle: infer },
    { method: 'POST', template: `${MODEL_VERSION}/infer`, handle: infer },
  ];
}
