import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { repositoryPath } from './repository-path.js';

/** The fields of a rendered object these checks read. */
interface KubernetesObject {
  kind: string;
  metadata: { name: string };
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  spec?: { template?: { spec?: { containers?: Container[] } } };
}

interface KeyReference {
  name: string;
  key: string;
}

interface Container {
  envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>;
  env?: Array<{
    name: string;
    value?: string;
    valueFrom?: {
      configMapKeyRef?: KeyReference;
      secretKeyRef?: KeyReference;
      fieldRef?: { fieldPath: string };
    };
  }>;
}

const OVERLAYS_DIRECTORY = 'k8s/overlays';
/** Secrets an overlay expects to exist in the cluster rather than rendering them: placeholders of the right shape. */
const EXAMPLE_SECRETS = 'k8s/secrets.example.yaml';

/** One rendered overlay: its Deployments and the environment each one's main container gets. */
export interface KubernetesDeployment {
  readonly deployments: readonly string[];
  /**
   * What the kubelet puts in the environment of the Deployment's first container: `envFrom`
   * ConfigMaps and Secrets, then `env` values and references (`metadata.name` is the Deployment's
   * name, `metadata.namespace` a placeholder).
   * @throws Error naming every reference that resolves to nothing.
   */
  environmentOf(deployment: string): Record<string, string>;
}

/** The overlays under k8s/overlays. @throws Error when there are none. */
export function listOverlays(): string[] {
  const directory = repositoryPath(OVERLAYS_DIRECTORY);
  const overlays = existsSync(directory)
    ? readdirSync(directory, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name)
    : [];
  if (overlays.length === 0) throw new Error(`${OVERLAYS_DIRECTORY} has no overlays`);
  return overlays.sort();
}

function parseObjects(text: string): KubernetesObject[] {
  return parseAllDocuments(text)
    .map((document) => document.toJS() as KubernetesObject | null)
    .filter((object): object is KubernetesObject => object !== null);
}

/**
 * Renders `k8s/overlays/<overlay>` with `kubectl kustomize`.
 * @throws Error saying so when kubectl is not installed or the overlay does not render.
 */
export function renderOverlay(overlay: string): KubernetesDeployment {
  let output: string;
  try {
    output = execFileSync('kubectl', ['kustomize', repositoryPath(`${OVERLAYS_DIRECTORY}/${overlay}`)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 ** 2,
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new Error('kubectl is not installed: the overlays are rendered with `kubectl kustomize`', {
        cause: error,
      });
    throw new Error(`kubectl kustomize ${overlay} failed: ${(error as { stderr?: string }).stderr ?? ''}`, {
      cause: error,
    });
  }
  const objects = parseObjects(output);
  const rendered = objects.filter((object) => object.kind === 'Secret');
  const secrets =
    rendered.length > 0 ? rendered : parseObjects(readFileSync(repositoryPath(EXAMPLE_SECRETS), 'utf8'));
  const find = (kind: 'ConfigMap' | 'Secret', name: string): Record<string, string> | undefined => {
    const source = kind === 'Secret' ? secrets : objects.filter((object) => object.kind === 'ConfigMap');
    const object = source.find((candidate) => candidate.metadata.name === name);
    if (object === undefined) return undefined;
    const decode = (value: string) =>
      kind === 'Secret' ? Buffer.from(value, 'base64').toString('utf8') : value;
    return {
      ...Object.fromEntries(Object.entries(object.data ?? {}).map(([key, value]) => [key, decode(value)])),
      ...object.stringData,
    };
  };
  const deployments = objects.filter((object) => object.kind === 'Deployment');
  return {
    deployments: deployments.map((deployment) => deployment.metadata.name),
    environmentOf(name) {
      const container = deployments.find((deployment) => deployment.metadata.name === name)?.spec?.template
        ?.spec?.containers?.[0];
      if (container === undefined) throw new Error(`overlay ${overlay} has no Deployment ${name}`);
      const environment: Record<string, string> = {};
      const unresolved: string[] = [];
      for (const source of container.envFrom ?? []) {
        const [kind, reference] = source.configMapRef
          ? (['ConfigMap', source.configMapRef.name] as const)
          : (['Secret', source.secretRef?.name ?? ''] as const);
        const data = find(kind, reference);
        if (data === undefined) unresolved.push(`envFrom ${kind} ${reference}`);
        else Object.assign(environment, data);
      }
      const fields: Record<string, string> = { 'metadata.name': `${name}-0`, 'metadata.namespace': overlay };
      for (const variable of container.env ?? []) {
        const from = variable.valueFrom;
        const keyReference = from?.secretKeyRef ?? from?.configMapKeyRef;
        const value =
          from === undefined
            ? (variable.value ?? '')
            : from.fieldRef !== undefined
              ? fields[from.fieldRef.fieldPath]
              : keyReference !== undefined
                ? find(from.secretKeyRef ? 'Secret' : 'ConfigMap', keyReference.name)?.[keyReference.key]
                : undefined;
        if (value === undefined) unresolved.push(`${variable.name} (${JSON.stringify(from)})`);
        else environment[variable.name] = value;
      }
      if (unresolved.length > 0)
        throw new Error(`${name} in overlay ${overlay}: unresolved ${unresolved.join(', ')}`);
      return environment;
    },
  };
}
