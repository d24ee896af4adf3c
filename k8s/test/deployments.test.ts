import { readFileSync } from 'node:fs';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IProbe } from 'kubernetes-models/v1/Probe';
import type { IService } from 'kubernetes-models/v1/Service';
import type { IContainer } from 'kubernetes-models/v1/Container';
import { describe, expect, it } from 'vitest';
import { K8S_DIRECTORY, OVERLAYS, objectsOfKind, renderOverlay } from './support/render-overlay.js';
import { loadDeployedConfig } from './support/service-configs.js';
import {
  SERVICES,
  deploymentOf,
  environmentOf,
  mainContainer,
  quantityBytes,
  quantityCores,
  selects,
} from './support/workloads.js';

/** Time each gRPC service gives in-flight calls when it stops (`STOP_GRACE_MS` of its service.ts). */
function stopGraceMs(service: string): number {
  const source = readFileSync(`${K8S_DIRECTORY}../services/${service}/src/service.ts`, 'utf8');
  const match = /const STOP_GRACE_MS = ([\d_]+);/.exec(source);
  if (match === null) throw new Error(`services/${service}/src/service.ts declares no STOP_GRACE_MS`);
  return Number(match[1]!.replaceAll('_', ''));
}

/** What the worker needs beyond WORKER_DRAIN_GRACE: a batch still running, then the NATS drain. */
const WORKER_STOP_MARGIN_MS = 20_000;
/** What a gRPC service needs beyond its call grace: closing NATS and Postgres, flushing records. */
const SERVICE_STOP_MARGIN_MS = 10_000;

/** The port a probe checks, resolved against the container's named ports. */
function probePort(probe: IProbe, container: IContainer): number | undefined {
  const port = probe.grpc?.port ?? probe.tcpSocket?.port ?? probe.httpGet?.port;
  if (typeof port === 'number') return port;
  return container.ports?.find((candidate) => candidate.name === port)?.containerPort;
}

function probesOf(container: IContainer): Record<'startup' | 'readiness' | 'liveness', IProbe | undefined> {
  return {
    startup: container.startupProbe,
    readiness: container.readinessProbe,
    liveness: container.livenessProbe,
  };
}

describe.each(OVERLAYS)('Deployments of overlays/%s', (overlay) => {
  const objects = renderOverlay(overlay);

  it('has one Deployment per service', () => {
    const names = objectsOfKind(objects, 'Deployment').map((deployment) => deployment.metadata.name);
    expect(names.sort()).toEqual([...SERVICES].sort());
  });

  describe.each(SERVICES)('%s', (service) => {
    const deployment = deploymentOf(objects, service);
    const container = mainContainer(deployment);
    const podSpec = deployment.spec!.template.spec!;

    it('starts with an environment its own config.ts accepts, every reference resolved', () => {
      const { environment, unresolved } = environmentOf(objects, deployment);
      expect(unresolved).toEqual([]);
      expect(() => loadDeployedConfig(service, environment)).not.toThrow();
    });

    it('exposes the gRPC, health and metrics ports its config listens on', () => {
      const config = loadDeployedConfig(service, environmentOf(objects, deployment).environment);
      const ports = Object.fromEntries(
        (container.ports ?? []).map((port) => [port.name, port.containerPort]),
      );
      expect(ports.metrics).toBe(config.metricsPort);
      expect(ports.grpc).toBe(config.grpcPort);
      expect(ports.health).toBe(config.healthPort);
    });

    it('is probed with grpc.health.v1 on its plaintext health port, apart from the gRPC port', () => {
      const config = loadDeployedConfig(service, environmentOf(objects, deployment).environment);
      if (config.grpcPort !== undefined) {
        // The kubelet's grpc probe speaks plaintext only; the health port is plaintext with or without
        // TLS on the gRPC port, so every overlay probes it the same way.
        expect(config.healthPort, 'GRPC_HEALTH_PORT').toBeDefined();
        expect(config.healthPort).not.toBe(config.grpcPort);
        expect(config.healthPort).not.toBe(config.metricsPort);
      }
      for (const [kind, probe] of Object.entries(probesOf(container))) {
        expect(probe, `${kind} probe`).toBeDefined();
        if (config.grpcPort === undefined) {
          // The worker serves no gRPC: its metrics listener is open exactly while the process works.
          expect(probe!.httpGet?.path, `${kind} probe`).toBe('/metrics');
          expect(probePort(probe!, container), `${kind} probe`).toBe(config.metricsPort);
        } else {
          expect(probe!.tcpSocket, `${kind} probe`).toBeUndefined();
          expect(probe!.httpGet, `${kind} probe`).toBeUndefined();
          expect(probe!.grpc?.port, `${kind} probe`).toBe(config.healthPort);
          expect(probe!.grpc?.service ?? '', `${kind} probe`).toBe('');
        }
      }
    });

    it('gives liveness a start of its own and time to ride out a pause', () => {
      const { startup, liveness } = probesOf(container);
      // The startup probe holds liveness off while the service waits for NATS and Postgres at start.
      expect((startup!.periodSeconds ?? 10) * (startup!.failureThreshold ?? 3)).toBeGreaterThanOrEqual(120);
      expect((liveness!.periodSeconds ?? 10) * (liveness!.failureThreshold ?? 3)).toBeGreaterThanOrEqual(30);
      expect(liveness!.exec).toBeUndefined();
    });

    it('stops within its termination grace period', () => {
      const { environment } = environmentOf(objects, deployment);
      const config = loadDeployedConfig(service, environment);
      const preStopMs = (container.lifecycle?.preStop?.sleep?.seconds ?? 0) * 1000;
      const stopMs =
        service === 'worker'
          ? (config.full.drainGraceMs as number) + WORKER_STOP_MARGIN_MS
          : stopGraceMs(service) + SERVICE_STOP_MARGIN_MS;
      expect((podSpec.terminationGracePeriodSeconds ?? 30) * 1000).toBeGreaterThan(preStopMs + stopMs);
    });

    it('requests and limits CPU and memory', () => {
      const { requests = {}, limits = {} } = container.resources ?? {};
      for (const resource of ['cpu', 'memory']) {
        expect(requests[resource], `requests.${resource}`).toBeDefined();
        expect(limits[resource], `limits.${resource}`).toBeDefined();
      }
      expect(quantityCores(limits.cpu!)).toBeGreaterThanOrEqual(quantityCores(requests.cpu!));
      expect(quantityBytes(limits.memory!)).toBeGreaterThanOrEqual(quantityBytes(requests.memory!));
    });

    it('has a PodDisruptionBudget that lets a node drain', () => {
      const labels = deployment.spec!.template.metadata!.labels;
      const budgets = objectsOfKind<IPodDisruptionBudget>(objects, 'PodDisruptionBudget').filter((budget) =>
        selects(budget.spec!.selector ?? {}, labels),
      );
      expect(budgets).toHaveLength(1);
      const { maxUnavailable, minAvailable } = budgets[0]!.spec!;
      if (minAvailable !== undefined)
        expect(Number(minAvailable)).toBeLessThan(deployment.spec!.replicas ?? 1);
      else expect(Number(maxUnavailable)).toBeGreaterThanOrEqual(1);
    });

    it('has a Service with its metrics port, scraped by a ServiceMonitor', () => {
      const labels = deployment.spec!.template.metadata!.labels;
      const services = objectsOfKind<IService>(objects, 'Service').filter((candidate) =>
        selects({ matchLabels: candidate.spec!.selector }, labels),
      );
      expect(services).toHaveLength(1);
      const metricsPort = services[0]!.spec!.ports?.find((port) => port.name === 'metrics');
      expect(metricsPort?.targetPort).toBe('metrics');
      const monitors = objectsOfKind<{
        spec: { selector: { matchLabels?: Record<string, string> }; endpoints: { port?: string }[] };
      }>(objects, 'ServiceMonitor').filter((monitor) =>
        selects(monitor.spec.selector, services[0]!.metadata!.labels),
      );
      expect(monitors).toHaveLength(1);
      expect(monitors[0]!.spec.endpoints.map((endpoint) => endpoint.port)).toContain('metrics');
    });

    it('runs as a non-root user that cannot escalate, on a read-only root file system', () => {
      expect(podSpec.securityContext?.runAsNonRoot).toBe(true);
      expect(container.securityContext?.allowPrivilegeEscalation).toBe(false);
      expect(container.securityContext?.readOnlyRootFilesystem).toBe(true);
      expect(container.securityContext?.capabilities?.drop).toContain('ALL');
    });

    it('runs an image pinned to a tag', () => {
      expect(container.image).toMatch(new RegExp(`^switchboard/${service}:[\\w.-]+$`));
      expect(container.image).not.toMatch(/:latest$/);
    });

    it('gets an API token only where it calls the Kubernetes API', () => {
      const callsApi = service === 'resource-manager' && overlay !== 'prod-keda';
      expect(podSpec.automountServiceAccountToken ?? true).toBe(callsApi);
    });
  });

  it('gives every service that may create the TELEMETRY stream the same byte limit', () => {
    const limits = (['router', 'worker', 'monitor', 'optimizer'] as const).map(
      (service) =>
        loadDeployedConfig(service, environmentOf(objects, deploymentOf(objects, service)).environment).full
          .telemetryMaxBytes,
    );
    expect(new Set(limits).size).toBe(1);
  });

  it("sizes the worker's memory and slots within its container's limits", () => {
    const worker = deploymentOf(objects, 'worker');
    const config = loadDeployedConfig('worker', environmentOf(objects, worker).environment).full;
    const limits = mainContainer(worker).resources!.limits!;
    expect(config.memoryBytes as number).toBeLessThan(quantityBytes(limits.memory!));
    expect(config.slots as number).toBeLessThanOrEqual(Math.max(1, Math.floor(quantityCores(limits.cpu!))));
    const manager = deploymentOf(objects, 'resource-manager');
    const managerConfig = loadDeployedConfig('resource-manager', environmentOf(objects, manager).environment);
    expect(managerConfig.full.workerMemoryBytes).toBe(config.memoryBytes);
  });
});
