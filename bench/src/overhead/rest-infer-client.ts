import { Agent, request } from 'node:http';
import { MODEL_NAME } from './oip-proto.js';

/** Same per-request bound as the gRPC client's deadline. */
const CALL_TIMEOUT_MS = 10_000;

/** The KServe v2 JSON body of the request every path gets: `features`, FP32 [1, 4]. */
export const REST_INFER_BODY = JSON.stringify({
  inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 4], data: [0.1, 0.2, 0.3, 0.4] }],
});

/** The decoded response fields the bench checks. */
interface RestInferResponse {
  readonly outputs?: readonly { readonly name?: string; readonly data?: readonly number[] }[];
}

/** A plain node:http KServe v2 client on keep-alive connections, sending one JSON infer request. */
export interface RestInferClient {
  /** POSTs the infer request and parses the JSON answer. @throws Error on a non-200 status or a timeout. */
  infer(): Promise<RestInferResponse>;
  /** Closes the kept-alive connections. */
  close(): void;
}

/**
 * Creates the client of the HTTP/REST path: `POST /v2/models/noop/infer` with a JSON body, answers
 * read whole and parsed, as a client written from the KServe v2 specification would. Connections
 * are kept alive, one per request in flight, so the load loop measures requests, not handshakes.
 */
export function createRestInferClient(host: string, port: number): RestInferClient {
  const agent = new Agent({ keepAlive: true });
  const body = Buffer.from(REST_INFER_BODY);
  const headers = { 'content-type': 'application/json', 'content-length': String(body.length) };
  const path = `/v2/models/${MODEL_NAME}/infer`;
  const infer = () =>
    new Promise<RestInferResponse>((resolve, reject) => {
      const call = request({ host, port, path, method: 'POST', headers, agent }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (response.statusCode !== 200) {
            reject(new Error(`HTTP ${response.statusCode}: ${text.slice(0, 200)}`));
            return;
          }
          try {
            resolve(JSON.parse(text) as RestInferResponse);
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        });
      });
      call.setTimeout(CALL_TIMEOUT_MS, () =>
        call.destroy(new Error(`no answer within ${CALL_TIMEOUT_MS} ms`)),
      );
      call.on('error', reject);
      call.end(body);
    });
  return { infer, close: () => agent.destroy() };
}
