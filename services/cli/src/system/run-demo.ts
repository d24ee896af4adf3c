import { basename, join } from 'node:path';
import type { GrpcClient } from '@switchboard/grpc';
import { classifierModelSpecs } from '@switchboard/models';
import type { GRPCInferenceService, RegistryService } from '@switchboard/protocol';
import type { Writer } from '../command-context.js';

/** The route the demo registers, served by both generated classifiers. */
export const DEMO_ROUTE = 'classify';

/** Below this confidence the small classifier's answer is escalated to the large one. */
const DEMO_CASCADE_CONFIDENCE = 0.8;

const SAMPLE_FEATURES = [0.3, -1.2, 0.8, 0.05];

/**
 * Registers the generated classifiers and the `classify` route, replacing earlier demo entries. The
 * route lists the cheaper classifier first (classifier-small, then classifier-large) and cascades:
 * an answer less confident than 0.8 is escalated to the next one.
 * @param artifactDirectory where the workers find the .onnx files, when not where this install keeps
 *   them (a worker in another container or host); the file names stay the same.
 */
export async function registerDemoModels(
  registry: GrpcClient<typeof RegistryService>,
  artifactDirectory?: string,
): Promise<string[]> {
  const specs = classifierModelSpecs()
    .map((spec) =>
      artifactDirectory === undefined
        ? spec
        : { ...spec, artifact: join(artifactDirectory, basename(spec.artifact)) },
    )
    .sort((left, right) => Number(left.costPerCallMicros - right.costPerCallMicros));
  const existing = new Set((await registry.listModels({})).models.map((model) => model.name));
  for (const model of specs) {
    if (existing.has(model.name)) await registry.updateModel({ model });
    else await registry.registerModel({ model });
  }
  await registry.putRoute({
    route: {
      name: DEMO_ROUTE,
      candidates: specs.map((spec) => ({ model: spec.name })),
      cascade: { confidenceThreshold: DEMO_CASCADE_CONFIDENCE },
      description: 'Spiral classifier: a small fast model, escalated to a large accurate one when unsure',
    },
  });
  return specs.map((spec) => spec.name);
}

/**
 * The demo models no worker serves yet, by the router's ModelReady. The route is ready as soon as
 * one of them is; a request sent then skips the cascade's cheap first step for want of a worker,
 * and the demo would not show the cascade it is there to show.
 */
export async function demoModelsNotReady(
  router: GrpcClient<typeof GRPCInferenceService>,
  models: readonly string[],
  timeoutMs: number,
): Promise<string[]> {
  const ready = await Promise.all(
    models.map(async (name) => (await router.modelReady({ name }, { timeoutMs })).ready),
  );
  return models.filter((_, index) => !ready[index]);
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
  const text = (name: string) => {
    const choice = response.parameters[`switchboard.${name}`]?.parameterChoice;
    return choice?.case === 'stringParam' ? choice.value : '?';
  };
  out.write(
    `demo request → ${DEMO_ROUTE} answered by ${text('model')} (${text('reason')}; tried ${text('models_tried')}, ` +
      `confidences ${text('step_confidences')}): ` +
      `probabilities [${[...probabilities].map((value) => value.toFixed(3)).join(', ')}]\n`,
  );
}

/** Where `up` started the services, host:port each. */
export interface SystemAddresses {
  readonly router: string;
  readonly registry: string;
  readonly monitor: string;
  readonly optimizer: string;
  readonly resourceManager: string;
  /** The KServe v2 HTTP/REST door; undefined when it is off or its port is not known. */
  readonly http?: string;
}

/** How to call the running system with stock tools, and where to see its figures. */
export function describeHowToCall({
  router,
  registry,
  monitor,
  optimizer,
  resourceManager,
  http,
}: SystemAddresses): string {
  const rest =
    http === undefined
      ? ''
      : `
  curl -d '{"inputs":[{"name":"features","datatype":"FP32","shape":[1,4],"data":[${SAMPLE_FEATURES.join(',')}]}]}' \\
    http://${http}/v2/models/${DEMO_ROUTE}/infer
`;
  return `
Switchboard is up. The Open Inference Protocol (KServe v2 / Triton gRPC) is served at ${router}${http === undefined ? '' : `, KServe v2 HTTP/REST at http://${http}`}.

  grpcurl -plaintext -d '{"model_name":"${DEMO_ROUTE}","inputs":[{"name":"features","datatype":"FP32","shape":[1,4],"contents":{"fp32_contents":[${SAMPLE_FEATURES.join(',')}]}}]}' \\
    ${router} inference.GRPCInferenceService/ModelInfer
${rest}
  python: tritonclient.grpc.InferenceServerClient("${router}").infer("${DEMO_ROUTE}", [input])

  switchboard --registry ${registry} models list
  switchboard stats --monitor ${monitor} --watch      # latency percentiles, errors, throughput, cost, batching
  switchboard --optimizer ${optimizer} policy show ${DEMO_ROUTE}   # what the learned routing policy knows
  switchboard placement --resource-manager ${resourceManager}   # workers, their models, demand and forecast
`;
}
