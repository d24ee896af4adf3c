import { authenticate } from '../authenticate.js';
import { SERVER_EXTENSIONS, tritonNamesOf } from '../front-door/triton-names.js';
import { resolveVisibleModel } from '../front-door/visible-model.js';
import { createModelInfer } from '../model-infer.js';
import { decodeInferRequest } from './decode-infer-request.js';
import { encodeInferResponse } from './encode-infer-response.js';
import { createExtensionRoutes } from './extension-routes.js';
import { headerMetadata } from './header-metadata.js';
import { MODEL, MODEL_VERSION, json, targetOf } from './http-route.js';
import type { HttpCall, HttpRoute, HttpRoutesOptions } from './http-route.js';
import { readBody } from './read-body.js';

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
  const resolveModel = (call: HttpCall) => {
    const { name, version } = targetOf(call);
    const tenant = authenticate(headerMetadata(call.request), snapshot, options.auth);
    return resolveVisibleModel(options, tenant, name, version);
  };
  const modelMetadata = async (call: HttpCall) => {
    const model = resolveModel(call);
    return json(200, {
      name: targetOf(call).name,
      versions: model.versions.length > 0 ? model.versions : [model.version],
      platform: tritonNamesOf(model).platform,
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
    const model = resolveModel(call);
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
        json(200, { name: 'switchboard', version: options.serverVersion, extensions: SERVER_EXTENSIONS }),
    },
    { method: 'GET', template: MODEL, handle: modelMetadata },
    { method: 'GET', template: MODEL_VERSION, handle: modelMetadata },
    { method: 'GET', template: `${MODEL}/ready`, handle: modelReady },
    { method: 'GET', template: `${MODEL_VERSION}/ready`, handle: modelReady },
    { method: 'POST', template: `${MODEL}/infer`, handle: infer },
    { method: 'POST', template: `${MODEL_VERSION}/infer`, handle: infer },
    ...createExtensionRoutes(options),
  ];
}
