import { InvalidArgumentError } from '@switchboard/errors';
import { ModelConfigSchema, ModelStatisticsSchema } from '@switchboard/protocol';
import { authenticate } from '../authenticate.js';
import { readModelConfig } from '../front-door/model-config.js';
import { readModelStatistics } from '../front-door/model-statistics.js';
import { loadModel, readRepositoryIndex, unloadModel } from '../front-door/repository.js';
import { headerMetadata } from './header-metadata.js';
import type { HttpCall, HttpReply, HttpRoute, HttpRoutesOptions } from './http-route.js';
import { MODEL, MODEL_VERSION, json, targetOf } from './http-route.js';
import { parseJsonHeader } from './parse-json-header.js';
import { readBody } from './read-body.js';
import { toTritonJson } from './triton-json.js';

/** The small JSON bodies of the repository endpoints. */
const MAX_REPOSITORY_BODY_BYTES = 64 * 1024;

/**
 * Triton's HTTP extensions over the same front-door functions as the gRPC door: model configuration,
 * statistics, and the repository (index, load, unload — the last two forwarded to the resource
 * manager with the caller's `authorization` header, which it checks against the admin token).
 */
export function createExtensionRoutes(options: HttpRoutesOptions): HttpRoute[] {
  const tenantOf = (call: HttpCall) =>
    authenticate(headerMetadata(call.request), options.snapshot, options.auth);
  const config = async (call: HttpCall) => {
    const { name, version } = targetOf(call);
    return json(
      200,
      toTritonJson(ModelConfigSchema, readModelConfig(options, tenantOf(call), name, version)),
    );
  };
  const statistics = async (call: HttpCall) => {
    const { name, version } = targetOf(call);
    const models = await readModelStatistics(options, tenantOf(call), name, version);
    return json(200, { model_stats: models.map((model) => toTritonJson(ModelStatisticsSchema, model)) });
  };
  const index = async (call: HttpCall) => {
    const body = await readRepositoryBody(call, '{"ready": true} or nothing');
    const ready = body.ready ?? false;
    if (typeof ready !== 'boolean') throw new InvalidArgumentError('"ready" must be true or false');
    return json(200, readRepositoryIndex(options, tenantOf(call), ready));
  };
  const placement = (action: typeof loadModel) => async (call: HttpCall) => {
    // Triton's load parameters (a config or model files to write) do not apply: models come from the registry.
    await readRepositoryBody(call, '{} or nothing');
    await action(options, targetOf(call).name, call.request.headers.authorization);
    return { status: 200, headers: {}, body: '' } satisfies HttpReply;
  };
  return [
    { method: 'GET', template: `${MODEL}/config`, handle: config },
    { method: 'GET', template: `${MODEL_VERSION}/config`, handle: config },
    { method: 'GET', template: '/v2/models/stats', handle: statistics },
    { method: 'GET', template: `${MODEL}/stats`, handle: statistics },
    { method: 'GET', template: `${MODEL_VERSION}/stats`, handle: statistics },
    { method: 'POST', template: '/v2/repository/index', handle: index },
    { method: 'POST', template: '/v2/repository/models/:name/load', handle: placement(loadModel) },
    { method: 'POST', template: '/v2/repository/models/:name/unload', handle: placement(unloadModel) },
  ];
}

/** A repository call's optional JSON body (`{"ready": true}`, `{"parameters": {…}}`); empty is `{}`. */
async function readRepositoryBody(call: HttpCall, example: string) {
  const body = await readBody(call.request, MAX_REPOSITORY_BODY_BYTES);
  return body.length === 0 ? {} : parseJsonHeader(body, undefined, example).json;
}
