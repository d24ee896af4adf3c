import { createGrpcClient } from '@switchboard/grpc';
import { GRPCInferenceService } from '@switchboard/protocol';

/** What the OIP requests through the published port showed. */
export interface InferSummary {
  readonly answered: number;
  /** Requests per model that answered (`switchboard.model`). */
  readonly byModel: Readonly<Record<string, number>>;
  readonly medianMs: number;
}

const ROUTE = 'classify';
const CALL_TIMEOUT_MS = 10_000;

/**
 * Sends `count` ModelInfer requests for the demo route through `address`, a few at a time, each with
 * its own features, and checks every answer: three probabilities that sum to 1, and the model that
 * answered named in the response parameters.
 * @throws Error on the first failed call or malformed answer.
 */
export async function sendClassifyRequests(address: string, count: number): Promise<InferSummary> {
  const client = createGrpcClient(GRPCInferenceService, address);
  const byModel: Record<string, number> = {};
  const latencies: number[] = [];
  try {
    const sendOne = async (index: number) => {
      const features = [Math.sin(index), Math.cos(index * 1.7), (index % 7) / 7 - 0.5, 0.1 * (index % 3)];
      const started = performance.now();
      const response = await client.modelInfer(
        {
          modelName: ROUTE,
          id: `compose-${index}`,
          inputs: [
            { name: 'features', datatype: 'FP32', shape: [1n, 4n], contents: { fp32Contents: features } },
          ],
        },
        { timeoutMs: CALL_TIMEOUT_MS },
      );
      latencies.push(performance.now() - started);
      const raw = response.rawOutputContents[0];
      if (raw === undefined) throw new Error(`request ${index}: no output`);
      const probabilities = [...new Float32Array(Uint8Array.from(raw).buffer)];
      const sum = probabilities.reduce((total, value) => total + value, 0);
      if (probabilities.length !== 3 || Math.abs(sum - 1) > 1e-3) {
        throw new Error(
          `request ${index}: expected 3 probabilities summing to 1, got [${probabilities.join(', ')}]`,
        );
      }
      const choice = response.parameters['switchboard.model']?.parameterChoice;
      const model = choice?.case === 'stringParam' ? choice.value : 'unknown';
      byModel[model] = (byModel[model] ?? 0) + 1;
    };
    const concurrency = 4;
    for (let start = 0; start < count; start += concurrency) {
      await Promise.all(
        Array.from({ length: Math.min(concurrency, count - start) }, (_, offset) => sendOne(start + offset)),
      );
    }
  } finally {
    client.close();
  }
  latencies.sort((left, right) => left - right);
  return { answered: latencies.length, byModel, medianMs: latencies[Math.floor(latencies.length / 2)] ?? 0 };
}

/** The KServe v2 HTTP/REST answer's fields used here. */
interface RestInferResponse {
  readonly model_name?: string;
  readonly outputs?: { readonly name: string; readonly data: readonly number[] }[];
}

/**
 * Sends one KServe v2 HTTP/REST infer request for the demo route to `baseUrl` (the router's HTTP
 * door) and checks its answer: status 200 and three probabilities that sum to 1.
 * @returns the model the answer names.
 * @throws Error on any other answer.
 */
export async function sendRestClassifyRequest(baseUrl: string): Promise<string> {
  const response = await fetch(`${baseUrl}/v2/models/${ROUTE}/infer`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      id: 'compose-rest',
      inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 4], data: [0.3, -1.2, 0.8, 0.05] }],
    }),
    signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
  });
  const text = await response.text();
  if (response.status !== 200)
    throw new Error(`HTTP infer answered ${response.status}: ${text.slice(0, 300)}`);
  const body = JSON.parse(text) as RestInferResponse;
  const data = body.outputs?.[0]?.data ?? [];
  const sum = data.reduce((total, value) => total + value, 0);
  if (data.length !== 3 || Math.abs(sum - 1) > 1e-3) {
    throw new Error(`HTTP infer: expected 3 probabilities summing to 1, got ${text.slice(0, 300)}`);
  }
  return body.model_name ?? 'unknown';
}
