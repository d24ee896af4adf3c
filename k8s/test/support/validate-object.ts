import type { KubernetesObject } from './render-overlay.js';

/** A kubernetes-models class: built from a plain object, `validate()` throws on a schema violation. */
type ModelClass = new (data: object) => { validate(): void };

/** Where the models of a custom resource's group live. */
const CUSTOM_RESOURCE_PACKAGES: Record<string, string> = {
  'keda.sh': '@kubernetes-models/keda',
  'monitoring.coreos.com': '@kubernetes-models/prometheus-operator',
};

/** The module with the models of `apiVersion`: `v1` (core), `apps/v1`, `keda.sh/v1alpha1`, … */
export function modelModule(apiVersion: string): string {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  if (group === '') return `kubernetes-models/${version}`;
  const customPackage = CUSTOM_RESOURCE_PACKAGES[group!];
  return customPackage === undefined
    ? `kubernetes-models/${group}/${version}`
    : `${customPackage}/${group}/${version}`;
}

/**
 * Validates `object` against the schema of its apiVersion and kind: Kubernetes' own OpenAPI schemas
 * (kubernetes-models) or a custom resource's CRD schema (the KEDA and Prometheus Operator models).
 * @throws Error when the kind has no model (an API this project does not expect) or the object violates its schema.
 */
export async function validateObject(object: KubernetesObject): Promise<void> {
  const module = (await import(modelModule(object.apiVersion)).catch((error: unknown) => {
    throw new Error(`no schema for ${object.apiVersion} (${object.kind} ${object.metadata.name})`, {
      cause: error,
    });
  })) as Record<string, ModelClass | undefined>;
  const Model = module[object.kind];
  if (Model === undefined) throw new Error(`no schema for ${object.apiVersion} ${object.kind}`);
  try {
    new Model(withoutBase64LineBreaks(object)).validate();
  } catch (error) {
    throw new Error(
      `${object.kind} ${object.metadata.name}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}

/**
 * kustomize wraps a Secret's long base64 values over several lines; the API server's decoder (Go's
 * base64.StdEncoding) ignores line breaks, the schema's `byte` format does not.
 */
function withoutBase64LineBreaks(object: KubernetesObject): KubernetesObject {
  if (object.kind !== 'Secret' || object.data === undefined) return object;
  const data = Object.fromEntries(
    Object.entries(object.data as Record<string, string>).map(([key, value]) => [
      key,
      value.replace(/\n/g, ''),
    ]),
  );
  return { ...object, data };
}
