import type { ServiceHandlers } from '@switchboard/grpc';
import type { ResourceManagerService } from '@switchboard/protocol';
import type { PlanView } from './plan-view.js';

/** ResourceManagerService: the newest round's view of the pool and the plan. */
export function createResourceManagerHandlers(
  view: PlanView,
): ServiceHandlers<typeof ResourceManagerService> {
  return {
    async getPlacement() {
      return view.toResponse();
    },
  };
}
