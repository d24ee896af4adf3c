import { readFileSync } from 'node:fs';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import { parseAllDocuments } from 'yaml';
import { K8S_DIRECTORY, objectsOfKind } from './render-overlay.js';
import type { KubernetesObject } from './render-overlay.js';

/** The Switchboard services deployed as Deployments, by their folder names under services/. */
export const SERVICES = ['router', 'registry', 'monitor', 'optimizer', 'resource-manager', 'worker'] as const;
export type ServiceName = (typeof SERVICES)[number];

/** Data of a ConfigMap or Secret, decoded. */
type Data = Record<string, string>;

function dataOf(object: KubernetesObject): Data {
  const data: Data = {};
  for (const [key, value] of Object.entries((object.data ?? {}) as Data)) {
    data[key] = object.kind === 'Secret' ? Buffer.from(value, 'base64').toString('utf8') : value;
  }
  return { ...data, ...((object.stringData ?? {}) as Data) };
}

/** The Secrets of k8s/secrets.example.yaml: what overlays without generated Secrets expect to exist. */
export function exampleSecrets(): KubernetesObject[] {
  return parseAllDocuments(readFileSync(`${K8S_DIRECTORY}secrets.example.yaml`, 'utf8')).map(
    (document) => document.toJS() as KubernetesObject,
  );
}

/** The first container of a Deployment's pods. @throws Error when it has none. */
export function mainContainer(deployment: IDeployment): IContainer {
  const container = deployment.spec?.template.spec?.containers[0];
  if (container === undefined) throw new Error(`Deployment ${deployment.metadata?.name} has no container`);
  return container;
}

/** The Deployment named after `service`. */
export function deploymentOf(objects: KubernetesObject[], service: string): IDeployment {
  const deployment = objectsOfKind<IDeployment>(objects, 'Deployment').find(
    (candidate) => candidate.metadata?.name === service,
  );
  if (deployment === undefined) throw new Error(`no Deployment ${service}`);
  return deployment;
}

/** The environment a container starts with, and the references that resolve to nothing. */
export interface ResolvedEnvironment {
  readonly environment: Record<string, string>;
  readonly unresolved: string[];
}

/**
 * What the kubelet would put in the container's environment: `envFrom` ConfigMaps and Secrets, then
 * `env` (values, ConfigMap and Secret keys, the pod's name and namespace). Secrets come from the render
 * or, where it has none (prod), from secrets.example.yaml, whose placeholders have the right shape.
 */
export function resolveEnvironment(
  objects: KubernetesObject[],
  pod: { name: string; namespace: string; spec: IPodSpec },
  container: IContainer,
): ResolvedEnvironment {
  const secrets = objectsOfKind(objects, 'Secret');
  const sources = {
    ConfigMap: objectsOfKind(objects, 'ConfigMap'),
    Secret: secrets.length > 0 ? secrets : exampleSecrets(),
  };
  const find = (kind: 'ConfigMap' | 'Secret', name: string): Data | undefined => {
    const object = sources[kind].find((candidate) => candidate.metadata.name === name);
    return object === undefined ? undefined : dataOf(object);
  };
  const environment: Record<string, string> = {};
  const unresolved: string[] = [];
  for (const source of container.envFrom ?? []) {
    const [kind, name] = source.configMapRef
      ? (['ConfigMap', source.configMapRef.name] as const)
      : (['Secret', source.secretRef?.name] as const);
    const data = find(kind, name ?? '');
    if (data === undefined) unresolved.push(`envFrom ${kind} ${name}`);
    else Object.assign(environment, data);
  }
  for (const variable of container.env ?? []) {
    const from = variable.valueFrom;
    if (from === undefined) {
      environment[variable.name] = variable.value ?? '';
    } else if (from.fieldRef !== undefined) {
      const fields: Record<string, string> = {
        'metadata.name': pod.name,
        'metadata.namespace': pod.namespace,
      };
      const value = fields[from.fieldRef.fieldPath];
      if (value === undefined) unresolved.push(`${variable.name}: field ${from.fieldRef.fieldPath}`);
      else environment[variable.name] = value;
    } else {
      const [kind, reference] = from.secretKeyRef
        ? (['Secret', from.secretKeyRef] as const)
        : (['ConfigMap', from.configMapKeyRef] as const);
      const value = reference === undefined ? undefined : find(kind, reference.name ?? '')?.[reference.key];
      if (value === undefined)
        unresolved.push(`${variable.name}: ${kind} ${reference?.name} key ${reference?.key}`);
      else environment[variable.name] = value;
    }
  }
  return { environment, unresolved };
}

/** The environment of a Deployment's main container, for a pod named like the ones it creates. */
export function environmentOf(objects: KubernetesObject[], deployment: IDeployment): ResolvedEnvironment {
  const name = deployment.metadata?.name ?? '';
  return resolveEnvironment(
    objects,
    {
      name: `${name}-7d9c6b5f4-x2k8q`,
      namespace: deployment.metadata?.namespace ?? 'default',
      spec: deployment.spec!.template.spec!,
    },
    mainContainer(deployment),
  );
}

/** Whether `selector` (matchLabels and matchExpressions) selects an object with `labels`. */
export function selects(
  selector: {
    matchLabels?: Record<string, string>;
    matchExpressions?: { key: string; operator: string; values?: string[] }[];
  },
  labels: Record<string, string> = {},
): boolean {
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
  const byExpressions = (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
    const value = labels[key];
    switch (operator) {
      case 'In':
        return value !== undefined && values.includes(value);
      case 'NotIn':
        return value === undefined || !values.includes(value);
      case 'Exists':
        return value !== undefined;
      case 'DoesNotExist':
        return value === undefined;
      default:
        throw new Error(`unknown selector operator ${operator}`);
    }
  });
  return byLabels && byExpressions;
}

/** Bytes of a Kubernetes quantity with a binary or decimal suffix (`512Mi`, `10Gi`, `1G`, `1048576`). */
export function quantityBytes(quantity: string | number): number {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(String(quantity));
  if (match === null) throw new Error(`not a byte quantity: ${quantity}`);
  const factors: Record<string, number> = {
    Ki: 1024,
    Mi: 1024 ** 2,
    Gi: 1024 ** 3,
    Ti: 1024 ** 4,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
  };
  return Number(match[1]) * (match[2] === undefined ? 1 : factors[match[2]]!);
}

/** Cores of a Kubernetes CPU quantity (`500m`, `2`). */
export function quantityCores(quantity: string | number): number {
  const text = String(quantity);
  return text.endsWith('m') ? Number(text.slice(0, -1)) / 1000 : Number(text);
}
