import { setTimeout as delay } from 'node:timers/promises';
import type { ServiceError } from '@grpc/grpc-js';
import { createGrpcClient } from '@switchboard/grpc';
import type { GrpcClient } from '@switchboard/grpc';
import { GRPCInferenceService } from '@switchboard/protocol';
import { classifyCallError } from './classify-call-error.js';
import type { CallOutcome, RequestHistory } from './call-outcome.js';

/** Options for {@link InferClient}. */
export interface InferClientOptions {
  /** Routers to call, host:port: requests take turns, and a retry goes to the next one. */
  readonly addresses: readonly string[];
  /** The model every request names; its input is the synthetic classifier's `features` FP32 [1, 4]. */
  readonly model: string;
  /** The request's deadline at the router (Triton's `timeout` parameter), ms. */
  readonly serverTimeoutMs: number;
  /**
   * Calls per request id: after a refusal or a broken call the same id is sent again, as a client
   * honouring the retry hint would. @default 1
   */
  readonly maxCalls?: number;
  /** Pause before sending an id again, ms. @default 250 */
  readonly retryDelayMs?: number;
  /** `sla_ms` sent with every request: the latency target the router plans for. */
  readonly slaMs?: number;
}

/** grpc-js gives the client its own deadline; this much past the router's, a missing answer is a hang. */
const CLIENT_GRACE_MS = 3_000;
const RETRY_INFO_TYPE = 'google.rpc.RetryInfo';

function hasRetryInfo(error: ServiceError): boolean {
  const details = error.metadata?.get('grpc-status-details-bin') ?? [];
  return details.some((value) => Buffer.from(value).includes(RETRY_INFO_TYPE));
}

/** Sends ModelInfer requests by client request id and records how every call ended. */
export class InferClient {
  readonly #clients: GrpcClient<typeof GRPCInferenceService>[];
  #sent = 0;

  constructor(private readonly options: InferClientOptions) {
    this.#clients = options.addresses.map((address) => createGrpcClient(GRPCInferenceService, address));
  }

  /** Sends request `requestId`, again after refusals and broken calls up to `maxCalls`; never rejects. */
  async send(requestId: string): Promise<RequestHistory> {
    const calls: CallOutcome[] = [];
    const maxCalls = this.options.maxCalls ?? 1;
    const first = this.#sent;
    this.#sent += 1;
    for (let index = 0; index < maxCalls; index += 1) {
      if (index > 0) await delay(this.options.retryDelayMs ?? 250);
      const outcome = await this.#call(requestId, first + index);
      calls.push(outcome);
      if (outcome.kind !== 'refusal' && outcome.kind !== 'transport') break;
    }
    return { requestId, calls };
  }

  async #call(requestId: string, turn: number): Promise<CallOutcome> {
    const client = this.#clients[turn % this.#clients.length];
    if (client === undefined) throw new Error('InferClient needs at least one address');
    const startedMs = performance.now();
    const parameters: Record<string, { parameterChoice: { case: 'int64Param'; value: bigint } }> = {
      timeout: {
        parameterChoice: { case: 'int64Param', value: BigInt(this.options.serverTimeoutMs * 1000) },
      },
    };
    if (this.options.slaMs !== undefined)
      parameters['sla_ms'] = { parameterChoice: { case: 'int64Param', value: BigInt(this.options.slaMs) } };
    try {
      await client.modelInfer(
        {
          modelName: this.options.model,
          id: requestId,
          parameters,
          inputs: [
            {
              name: 'features',
              datatype: 'FP32',
              shape: [1n, 4n],
              // The same request every time: a retry must be the request it repeats.
              contents: { fp32Contents: [0.5, 1, 2, 3] },
            },
          ],
        },
        { timeoutMs: this.options.serverTimeoutMs + CLIENT_GRACE_MS },
      );
      return {
        kind: 'result',
        code: 0,
        message: '',
        retryInfo: false,
        startedMs,
        latencyMs: performance.now() - startedMs,
      };
    } catch (caught) {
      const error = caught as ServiceError;
      const retryInfo = hasRetryInfo(error);
      const kind = classifyCallError({ code: error.code, details: error.details ?? '', retryInfo });
      const latencyMs = performance.now() - startedMs;
      return { kind, code: error.code, message: error.details ?? '', retryInfo, startedMs, latencyMs };
    }
  }

  close(): void {
    for (const client of this.#clients) client.close();
  }
}
