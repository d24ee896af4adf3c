import { InvalidArgumentError, NotFoundError } from '@switchboard/errors';
import type { ServiceHandlers } from '@switchboard/grpc';
import type { ResourceManagerService } from '@switchboard/protocol';
import type { RegistrySnapshot } from '@switchboard/registry-snapshot';
import type { PinnedModels } from './pinned-models.js';
import type { PlanView } from './plan-view.js';

/**
 * ResourceManagerService: the newest round's view of the pool and the plan, and the models pinned
 * to stay placed.
 * @throws InvalidArgumentError (PinModel, UnpinModel) without a model name.
 * @throws NotFoundError (PinModel) for a model the registry does not know.
 */
export function createResourceManagerHandlers(
  view: PlanView,
  registry: RegistrySnapshot,
  pins: PinnedModels,
): ServiceHandlers<typeof ResourceManagerService> {
  const requireModel = (model: string) => {
    if (model === '') throw new InvalidArgumentError('model is required: name a registered model');
  };
  return {
    async getPlacement() {
      return view.toResponse();
    },
    async pinModel({ model }) {
      requireModel(model);
      if (registry.getModel(model) === undefined) {
        throw new NotFoundError(`no model named "${model}" is registered (switchboard models list)`);
      }
      await pins.pin(model);
      return {};
    },
    async unpinModel({ model }) {
      requireModel(model);
      await pins.unpin(model);
      return {};
    },
  };
}
