import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

/** A rendered Kubernetes object: only the fields every object has are typed. */
export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

/** The kustomizations a cluster is deployed from. */
export const OVERLAYS = ['dev', 'prod', 'prod-keda'] as const;
export type OverlayName = (typeof OVERLAYS)[number];

/** The k8s/ package directory. */
export const K8S_DIRECTORY = fileURLToPath(new URL('../..', import.meta.url));

const rendered = new Map<string, KubernetesObject[]>();

/**
 * The objects `kubectl kustomize <directory>` renders, parsed (cached per directory).
 * @throws Error naming the missing tool when kubectl is not installed: these checks never pass without it.
 */
export function renderKustomization(directory: string): KubernetesObject[] {
  const cached = rendered.get(directory);
  if (cached !== undefined) return cached;
  let output: string;
  try {
    output = execFileSync('kubectl', ['kustomize', directory], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(
        'kubectl is not installed: the checks of k8s/ render every overlay with `kubectl kustomize` ' +
          '(kubectl 1.27 or later, whose kustomize is built in)',
        { cause: error },
      );
    }
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`kubectl kustomize ${directory} failed: ${stderr}`, { cause: error });
  }
  const objects = parseAllDocuments(output).map((document) => {
    if (document.errors.length > 0) throw new Error(`unparseable output: ${document.errors[0]?.message}`);
    return document.toJS() as KubernetesObject;
  });
  rendered.set(directory, objects);
  return objects;
}

/** The objects of one overlay of k8s/overlays. */
export function renderOverlay(overlay: OverlayName): KubernetesObject[] {
  return renderKustomization(`${K8S_DIRECTORY}overlays/${overlay}`);
}

/** The objects of `kind`, in render order. */
export function objectsOfKind<T = KubernetesObject>(objects: KubernetesObject[], kind: string): T[] {
  return objects.filter((object) => object.kind === kind) as T[];
}

/** The one object of `kind` named `name`. @throws Error when there is none. */
export function objectNamed<T = KubernetesObject>(
  objects: KubernetesObject[],
  kind: string,
  name: string,
): T {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  if (found === undefined) throw new Error(`no ${kind} ${name} in the render`);
  return found as T;
}
