import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IService } from 'kubernetes-models/v1/Service';
import type { IServicePort } from 'kubernetes-models/v1/ServicePort';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import { objectsOfKind } from './render-overlay.js';
import type { KubernetesObject } from './render-overlay.js';
import { loadDeployedConfig } from './service-configs.js';
import type { ServiceName } from './workloads.js';
import { mainContainer, selects } from './workloads.js';

/**
 * The variables `service`'s config.ts reads by name from `environment`, whether set or not. The
 * environment is handed over as a Proxy that records each read and hides its keys from enumeration,
 * so a reader walking it (OTEL_* by prefix) does not count as reading every variable.
 */
export function variablesRead(service: ServiceName, environment: Record<string, string>): string[] {
  const read = new Set<string>();
  const recorder = new Proxy(
    { ...environment },
    {
      get(target, key) {
        if (typeof key === 'string') read.add(key);
        return typeof key === 'string' ? target[key] : undefined;
      },
      has(target, key) {
        if (typeof key === 'string') read.add(key);
        return key in target;
      },
      ownKeys: () => [],
    },
  );
  loadDeployedConfig(service, recorder);
  return [...read].sort();
}

/** A value that no real setting has: where it shows up in a parsed config, that field carries the variable. */
const PROBE = 'probe.invalid:65535';

/** The value at `path` of a parsed config (nested objects). */
function valueAt(config: unknown, path: string[]): unknown {
  return path.reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], config);
}

/** The path of the field of `config` (nested objects) whose value is `value`. */
function pathOf(config: unknown, value: string, path: string[] = []): string[] | undefined {
  if (config === value) return path;
  if (typeof config !== 'object' || config === null) return undefined;
  for (const [key, field] of Object.entries(config)) {
    const found = pathOf(field, value, [...path, key]);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * What `service` makes of `variable` given `environment`: the set value, or its default when unset.
 * Found by parsing once with a probe value in the variable and reading the field it lands in.
 * @throws Error when the parsed config carries the variable in no field.
 */
export function parsedValue(
  service: ServiceName,
  environment: Record<string, string>,
  variable: string,
): unknown {
  const probed = loadDeployedConfig(service, { ...environment, [variable]: PROBE }).full;
  const path = pathOf(probed, PROBE);
  if (path === undefined) throw new Error(`${service}'s config carries ${variable} in no field`);
  return valueAt(loadDeployedConfig(service, environment).full, path);
}

/** host:port of a gRPC client's target, or undefined when the address has another form. */
export function splitAddress(address: string): { host: string; port: number } | undefined {
  const match = /^([a-z0-9.-]+):(\d+)$/i.exec(address);
  return match === null ? undefined : { host: match[1]!, port: Number(match[2]) };
}

/**
 * The Service an in-cluster client in `namespace` reaches at `host`: `name`, `name.namespace`,
 * `name.namespace.svc` or `name.namespace.svc.cluster.local`. Undefined when no rendered Service has that name.
 */
export function serviceAt(
  objects: KubernetesObject[],
  namespace: string,
  host: string,
): IService | undefined {
  const [name, hostNamespace = namespace, ...rest] = host.split('.');
  const suffix = rest.join('.');
  if (hostNamespace !== namespace || !['', 'svc', 'svc.cluster.local'].includes(suffix)) return undefined;
  return objectsOfKind<IService>(objects, 'Service').find((service) => service.metadata?.name === name);
}

/** The Deployments whose pods a Service selects. */
export function deploymentsBehind(objects: KubernetesObject[], service: IService): IDeployment[] {
  const selector = service.spec?.selector;
  if (selector === undefined || Object.keys(selector).length === 0) return [];
  return objectsOfKind<IDeployment>(objects, 'Deployment').filter((deployment) =>
    selects({ matchLabels: selector }, deployment.spec?.template.metadata?.labels),
  );
}

/** The container port a Service port forwards to (a named or numbered targetPort; the port itself by default). */
export function targetContainerPort(servicePort: IServicePort, container: IContainer): number | undefined {
  const target = servicePort.targetPort ?? servicePort.port;
  if (typeof target === 'number') return target;
  return container.ports?.find((port) => port.name === target)?.containerPort;
}

/** What a client's address leads to: the Service port, and the pods' container port behind it. */
export interface Destination {
  readonly service: IService;
  readonly deployment: IDeployment;
  readonly containerPort: number;
}

/**
 * Where `address` leads from a pod in `namespace`, or why it leads nowhere: no Service of that name,
 * no such port on it, no Deployment behind it, or a targetPort its pods do not have.
 */
export function resolveAddress(
  objects: KubernetesObject[],
  namespace: string,
  address: string,
): Destination | string {
  const parts = splitAddress(address);
  if (parts === undefined) return `${address} is not host:port`;
  const service = serviceAt(objects, namespace, parts.host);
  if (service === undefined) return `no Service ${parts.host} in the render (namespace ${namespace})`;
  const servicePort = service.spec?.ports?.find((port) => port.port === parts.port);
  const ports = (service.spec?.ports ?? []).map((port) => port.port).join(', ');
  if (servicePort === undefined)
    return `Service ${service.metadata?.name} has no port ${parts.port} (${ports})`;
  const deployments = deploymentsBehind(objects, service);
  if (deployments.length !== 1)
    return `Service ${service.metadata?.name} selects ${deployments.length} Deployments, not one`;
  const deployment = deployments[0]!;
  const containerPort = targetContainerPort(servicePort, mainContainer(deployment));
  if (containerPort === undefined)
    return `Service ${service.metadata?.name} port ${parts.port} targets ${String(servicePort.targetPort)}, which Deployment ${deployment.metadata?.name} does not expose`;
  return { service, deployment, containerPort };
}
