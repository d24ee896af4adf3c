import type { ServiceHandlers } from '@switchboard/grpc';
import type { Logger } from '@switchboard/logging';
import type { RegistryService } from '@switchboard/protocol';
import { mirrorOrExplain } from './mirror-or-explain.js';
import { deleteModel, getModel, insertModel, listModels, updateModel } from './model-store.js';
import type { Database } from './open-database.js';
import type { RegistryMirror } from './registry-mirror.js';
import { deleteRoute, getRoute, listRoutes, putRoute } from './route-store.js';
import { deleteTenant, listTenants, putTenant } from './tenant-store.js';
import { validateModelSpec } from './validate-model-spec.js';
import { validateName } from './validate-name.js';
import { validateRouteSpec } from './validate-route-spec.js';
import { validateTenantSpec } from './validate-tenant-spec.js';

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
  return {
    ...createModelHandlers(dependencies),
    ...createRouteHandlers(dependencies),
    ...createTenantHandlers(dependencies),
  };
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
      const candidates = route.candidates.map((candidate) => candidate.model);
      logger.info({ route: route.name, candidates }, 'route stored');
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

type TenantHandlers = Pick<Handlers, 'putTenant' | 'listTenants' | 'deleteTenant'>;

// Tenant specs leave the registry without api_key: the store reads back only the key's hash, and
// neither the key nor the hash is logged.
function createTenantHandlers({ database, mirror, logger }: RegistryHandlerDependencies): TenantHandlers {
  const mirrorTenant = (name: string, staleApiKeyHashes: string[]) =>
    mirrorOrExplain(() => mirror.syncTenant(name, staleApiKeyHashes), `tenant ${name}`, logger);
  return {
    async putTenant(request) {
      const { tenant, previousApiKeyHash } = await putTenant(database, validateTenantSpec(request.tenant));
      logger.info(
        { tenant: tenant.name, tier: tenant.tier, keyChanged: previousApiKeyHash !== undefined },
        'tenant stored',
      );
      await mirrorTenant(tenant.name, previousApiKeyHash === undefined ? [] : [previousApiKeyHash]);
      return { tenant };
    },
    async listTenants() {
      return { tenants: (await listTenants(database)).map((stored) => stored.tenant) };
    },
    async deleteTenant(request) {
      const name = validateName('tenant', request.name);
      const apiKeyHash = await deleteTenant(database, name);
      logger.info({ tenant: name }, 'tenant deleted');
      await mirrorTenant(name, [apiKeyHash]);
      return {};
    },
  };
}
