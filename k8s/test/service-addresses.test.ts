import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { IService } from 'kubernetes-models/v1/Service';
import { describe, expect, it } from 'vitest';
import { allowsConnection } from './support/network-paths.js';
import { OVERLAYS, objectsOfKind, renderOverlay } from './support/render-overlay.js';
import {
  parsedValue,
  resolveAddress,
  splitAddress,
  targetContainerPort,
  variablesRead,
} from './support/service-addresses.js';
import { loadDeployedConfig } from './support/service-configs.js';
import { SERVICES, deploymentOf, environmentOf, mainContainer, selects } from './support/workloads.js';
import type { ServiceName } from './support/workloads.js';

/** The gRPC clients the services open today; the checks below cover any other `*_ADDRESS` as well. */
const KNOWN_ADDRESSES = ['REGISTRY_ADDRESS', 'ROUTER_MONITOR_ADDRESS', 'ROUTER_RESOURCE_MANAGER_ADDRESS'];

/** Listen addresses that only the pod itself can reach. */
const LOOPBACK = ['127.0.0.1', 'localhost', '::1'];

describe.each(OVERLAYS)('service addresses of overlays/%s', (overlay) => {
  const objects = renderOverlay(overlay);
  const policies = objectsOfKind<INetworkPolicy>(objects, 'NetworkPolicy');
  const environments = Object.fromEntries(
    SERVICES.map((service) => [service, environmentOf(objects, deploymentOf(objects, service)).environment]),
  ) as Record<ServiceName, Record<string, string>>;
  const calls = SERVICES.flatMap((service) =>
    variablesRead(service, environments[service])
      .filter((variable) => variable.endsWith('_ADDRESS'))
      .map((variable) => [service, variable] as const),
  );

  it("finds every service's address variables by running its config.ts", () => {
    expect(calls.map(([, variable]) => variable)).toEqual(expect.arrayContaining(KNOWN_ADDRESSES));
  });

  it.each(calls)(
    "%s's %s names a Service of the overlay and one of its ports, which its pods serve gRPC on",
    (service, variable) => {
      const environment = environments[service];
      const address = parsedValue(service, environment, variable);
      expect(typeof address, variable).toBe('string');
      const client = deploymentOf(objects, service);
      const namespace = client.metadata!.namespace!;
      const destination = resolveAddress(objects, namespace, address as string);
      if (typeof destination === 'string') {
        const unset = environment[variable] === undefined ? ' (unset: the default)' : '';
        expect.fail(`${variable}=${String(address)}${unset}: ${destination}`);
      }
      const server = destination.deployment.metadata!.name! as ServiceName;
      expect(SERVICES).toContain(server);
      const serverConfig = loadDeployedConfig(server, environments[server]);
      expect(destination.containerPort, `the gRPC port of ${server}`).toBe(serverConfig.grpcPort);
    },
  );

  it.each(calls)(
    "%s's %s speaks TLS exactly where the server serves it, to a name its certificate carries",
    (service, variable) => {
      const environment = environments[service];
      const address = parsedValue(service, environment, variable) as string;
      const namespace = deploymentOf(objects, service).metadata!.namespace!;
      const destination = resolveAddress(objects, namespace, address);
      if (typeof destination === 'string') return expect.fail(destination);
      const server = destination.deployment.metadata!.name! as ServiceName;
      const serverTls = loadDeployedConfig(server, environments[server]).common.grpcTls.server;
      const clientTls = loadDeployedConfig(service, environment).common.grpcTls.client;
      if (serverTls === undefined) {
        expect(clientTls, `${server} serves plaintext`).toBeUndefined();
        return;
      }
      // A private CA (secrets.example.yaml: switchboard-grpc-tls), so the client must be told to trust it.
      expect(clientTls?.caFile, `${service} trusts the CA of ${server}'s certificate`).toBeDefined();
      // The certificate names each Service as `<name>` and `<name>.<namespace>.svc`.
      const name = destination.service.metadata!.name!;
      expect([name, `${name}.${namespace}.svc`]).toContain(splitAddress(address)!.host);
    },
  );

  it.each(calls)("the NetworkPolicies let %s's %s connection through", (service, variable) => {
    const client = deploymentOf(objects, service);
    const namespace = client.metadata!.namespace!;
    const address = parsedValue(service, environments[service], variable) as string;
    const destination = resolveAddress(objects, namespace, address);
    if (typeof destination === 'string') return expect.fail(destination);
    const portName = mainContainer(destination.deployment).ports?.find(
      (port) => port.containerPort === destination.containerPort,
    )?.name;
    expect(
      allowsConnection(
        policies,
        { namespace, labels: client.spec!.template.metadata!.labels! },
        {
          namespace: destination.deployment.metadata!.namespace!,
          labels: destination.deployment.spec!.template.metadata!.labels!,
        },
        { number: destination.containerPort, name: portName },
      ),
      `${service} → ${destination.deployment.metadata!.name}:${destination.containerPort}`,
    ).toBe(true);
  });

  it('exposes the HTTP/REST port the router listens on, on all interfaces, and its Service routes to it', () => {
    const router = deploymentOf(objects, 'router');
    const config = loadDeployedConfig('router', environments.router).full;
    const httpPort = config.httpPort as number | undefined;
    expect(httpPort, 'ROUTER_HTTP_PORT').toBeTypeOf('number');
    expect(httpPort, 'ROUTER_HTTP_PORT (0 picks a port no Service knows)').toBeGreaterThan(0);
    expect(LOOPBACK).not.toContain(config.httpHost);
    const container = mainContainer(router);
    expect(container.ports?.find((port) => port.name === 'http')?.containerPort).toBe(httpPort);
    const services = objectsOfKind<IService>(objects, 'Service').filter((service) =>
      selects({ matchLabels: service.spec!.selector }, router.spec!.template.metadata!.labels),
    );
    expect(services).toHaveLength(1);
    const routed = (services[0]!.spec!.ports ?? []).filter(
      (port) => targetContainerPort(port, container) === httpPort,
    );
    expect(routed.map((port) => port.name)).toEqual(['http']);
  });
});
