import type { GrpcClient } from '@switchboard/grpc';
import { classifierModelSpecs } from '@switchboard/models';
import type { GRPCInferenceService, RegistryService } from '@switchboard/protocol';
import type { Writer } from '../command-context.js';

/** The route the demo registers, served by both generated classifiers. */
export const DEMO_ROUTE = 'classify';

const SAMPLE_FEATURES = [0.3, -1.2, 0.8, 0.05];

/** Registers the generated classifiers and the `classify` route, replacing earlier demo entries. */
export async function registerDemoModels(registry: GrpcClient<typeof RegistryService>): Promise<string[]> {
  const specs = classifierModelSpecs();
  const existing = new Set((await registry.listModels({})).models.map((model) => model.name));
  for (const model of specs) {
    if (existing.has(model.name)) await registry.updateModel({ model });
    else await registry.registerModel({ model });
  }
  await registry.putRoute({
    route: {
      name: DEMO_ROUTE,
      models: specs.map((spec) => spec.name),
      description: 'Spiral classifier: a small fast model and a large accurate one',
    },
  });
  return specs.map((spec) => spec.name);
}

/** Sends one request through the route and prints what came back. */
export async function sendDemoRequest(
  router: GrpcClient<typeof GRPCInferenceService>,
  out: Writer,
): Promise<void> {
  const response = await router.modelInfer(
    {
      modelName: DEMO_ROUTE,
      id: 'demo-1',
      inputs: [
        { name: 'features', datatype: 'FP32', shape: [1n, 4n], contents: { fp32Contents: SAMPLE_FEATURES } },
      ],
    },
    { timeoutMs: 10_000 },
  );
  const raw = response.rawOutputContents[0] ?? new Uint8Array();
  const probabilities = new Float32Array(Uint8Array.from(raw).buffer);
  const served = response.parameters['switchboard.model']?.parameterChoice;
  out.write(
    `demo request → ${DEMO_ROUTE} answered by ${served?.case === 'stringParam' ? served.value : '?'}: ` +
      `probabilities [${[...probabilities].map((value) => value.toFixed(3)).join(', ')}]\n`,
  );
}

/** Where `up` started the services, host:port each. */
export interface SystemAddresses {
  readonly router: string;
  readonly registry: string;
  readonly monitor: string;
}

/** How to call the running system with stock tools, and where to see its figures. */
export function describeHowToCall({ router, registry, monitor }: SystemAddresses): string {
  return `
Switchboard is up. The Open Inference Protocol (KServe v2 / Triton gRPC) is served at ${router}.

  grpcurl -plaintext -d '{"model_name":"${DEMO_ROUTE}","inputs":[{"name":"features","datatype":"FP32","shape":[1,4],"contents":{"fp32_contents":[${SAMPLE_FEATURES.join(',')}]}}]}' \\
    ${router} inference.GRPCInferenceService/ModelInfer

  python: tritonclient.grpc.InferenceServerClient("${router}").infer("${DEMO_ROUTE}", [input])

  switchboard --registry ${registry} models list
  switchboard stats --monitor ${monitor} --watch      # latency percentiles, errors, throughput, cost, batching
`;
}
