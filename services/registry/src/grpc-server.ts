import type { ServiceHandlers } from '@switchboard/grpc';
import type { Logger } from '@switchboard/logging';
import type { RegistryService } from '@switchboard/protocol';
import { mirrorOrExplain } from './mirror-or-explain.js';
import { deleteModel, getModel, insertModel, listModels, updateModel } from './model-store.js';
import type { Database } from './open-database.js';
import type { RegistryMirror } from './registry-mirror.js';
import { deleteRoute, getRoute, listRoutes, putRoute } from './route-store.js';
import { validateModelSpec } from './validate-model-spec.js';
import { validateName } from './validate-name.js';
import { validateRouteSpec } from './validate-route-spec.js';

/** What the handlers work on. */
export interface RegistryHandlerDependencies {
  database: Database;
  mirror: RegistryMirror;
  logger: Logger;
}

type Handlers = ServiceHandlers<typeof RegistryService>;

/**
 * The admin API: validate, change Postgres (the truth), then mirror the committed state to KV and
 * announce it. Thrown Switchboard errors become their gRPC status in libs/grpc.
 */
export function createRegistryHandlers(dependencies: RegistryHandlerDependencies): Handlers {
  return { ...createModelHandlers(dependencies), ...createRouteHandlers(dependencies) };
}

type ModelHandlers = Pick<
  Handlers,
  'registerModel' | 'getModel' | 'listModels' | 'updateModel' | 'deleteModel'
>;

function createModelHandlers({ database, mirror, logger }: RegistryHandlerDependencies): ModelHandlers {
  const mirrorModel = (name: string) =>
    mirrorOrExplain(() => mirror.syncModel(name), `model ${name}`, logger);
  return {
    async registerModel(request) {
      const model = await insertModel(database, validateModelSpec(request.model));
      logger.info({ model: model.name, version: model.version }, 'model registered');
      await mirrorModel(model.name);
      return { model };
    },
    async getModel(request) {
      return { model: await getModel(database, validateName('model', request.name)) };
    },
    async listModels() {
      return { models: await listModels(database) };
    },
    async updateModel(request) {
      const model = await updateModel(database, validateModelSpec(request.model));
      logger.info({ model: model.name, version: model.version }, 'model updated');
      await mirrorModel(model.name);
      return { model };
    },
    async deleteModel(request) {
      const name = validateName('model', request.name);
      await deleteModel(database, name);
      logger.info({ model: name }, 'model deleted');
      await mirrorModel(name);
      return {};
    },
  };
}

type RouteHandlers = Pick<Handlers, 'putRoute' | 'getRoute' | 'listRoutes' | 'deleteRoute'>;

function createRouteHandlers({ database, mirror, logger }: RegistryHandlerDependencies): RouteHandlers {
  const mirrorRoute = (name: string) =>
    mirrorOrExplain(() => mirror.syncRoute(name), `route ${name}`, logger);
  return {
    async putRoute(request) {
      const route = await putRoute(database, validateRouteSpec(request.route));
      logger.info({ route: route.name, models: route.models }, 'route stored');
      await mirrorRoute(route.name);
      return { route };
    },
    async getRoute(request) {
      return { route: await getRoute(database, validateName('route', request.name)) };
    },
    async listRoutes() {
      return { routes: await listRoutes(database) };
    },
    async deleteRoute(request) {
      const name = validateName('route', request.name);
      await deleteRoute(database, name);
      logger.info({ route: name }, 'route deleted');
      await mirrorRoute(name);
      return {};
    },
  };
}
