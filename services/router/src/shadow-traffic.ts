import { toStatusData } from '@switchboard/errors';
import type { Logger } from '@switchboard/logging';
import type { ModelInferRequest, ModelSpec } from '@switchboard/protocol';
import { decodeInferInputs } from '@switchboard/tensors';
import type { JobDispatcher } from './job-dispatcher.js';
import { estimateCostMicros } from './selection/model-selector.js';
import { resultRecordFields } from './request-telemetry.js';
import type { RequestRecordInit, RequestRecordPublisher } from './request-telemetry.js';

/** Shadow copies wait behind every client request: they must never slow real traffic down. */
const SHADOW_PRIORITY = 3;

/** The request a shadow copy is made of. */
export interface ShadowedRequest {
  requestId: string;
  request: ModelInferRequest;
  route: string;
  tenant: string;
  /** The tenant's tier's share weight: shadow copies count against the tenant's share too. */
  tenantWeight: number;
  requestClass: string;
  complexity: number;
  deadlineUnixMs: number;
}

/**
 * Sends copies of a request to shadow models. Their answers are measured — one telemetry record each,
 * marked `shadow` — and dropped: nothing of them ever reaches the client, and the client's answer
 * never waits for them.
 */
export class ShadowTraffic {
  constructor(
    private readonly dispatcher: JobDispatcher,
    private readonly records: RequestRecordPublisher,
    private readonly maxRequestBytes: number,
    private readonly logger: Logger,
  ) {}

  /** Starts one copy per model; returns at once. */
  send(models: readonly ModelSpec[], shadowed: ShadowedRequest): void {
    for (const model of models) {
      try {
        decodeInferInputs(shadowed.request, model.inputs, { maxRequestBytes: this.maxRequestBytes });
      } catch (error) {
        this.logger.debug({ err: error, model: model.name }, 'shadow model does not accept the request');
        continue;
      }
      void this.#serve(model, shadowed);
    }
  }

  async #serve(model: ModelSpec, shadowed: ShadowedRequest): Promise<void> {
    const startedAt = performance.now();
    const requestId = `${shadowed.requestId}:shadow:${model.name}`;
    const record: RequestRecordInit = {
      requestId,
      route: shadowed.route,
      model: model.name,
      version: model.version,
      tenant: shadowed.tenant,
      requestClass: shadowed.requestClass,
      priority: SHADOW_PRIORITY,
      cascadeSteps: 1,
      shadow: true,
      reason: 'shadow',
      costMicros: estimateCostMicros(model, shadowed.complexity),
    };
    try {
      const result = await this.dispatcher.dispatch(
        {
          requestId,
          model: model.name,
          version: model.version,
          route: shadowed.route,
          request: shadowed.request,
          priority: SHADOW_PRIORITY,
          tenant: shadowed.tenant,
          tenantWeight: shadowed.tenantWeight,
        },
        shadowed.deadlineUnixMs,
      );
      Object.assign(record, { statusCode: 0, ...resultRecordFields(result) });
    } catch (error) {
      record.statusCode = toStatusData(error).code;
    } finally {
      record.latencyUs = BigInt(Math.round((performance.now() - startedAt) * 1000));
      this.records.publish(record);
    }
  }
}
