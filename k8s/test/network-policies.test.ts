import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { IPodTemplateSpec } from 'kubernetes-models/v1/PodTemplateSpec';
import { describe, expect, it } from 'vitest';
import { OVERLAYS, objectsOfKind, renderOverlay } from './support/render-overlay.js';
import type { KubernetesObject } from './support/render-overlay.js';
import { selects } from './support/workloads.js';

/** The labels the NATS chart gives its server pods (release `nats`). */
const NATS_POD_LABELS = {
  'app.kubernetes.io/name': 'nats',
  'app.kubernetes.io/instance': 'nats',
  'app.kubernetes.io/component': 'nats',
};

/** Every pod template of the render (Deployments, StatefulSets, Jobs), with whether its env reads a variable. */
function podTemplates(
  objects: KubernetesObject[],
): { name: string; template: IPodTemplateSpec; reads(variable: string): boolean }[] {
  return objects
    .filter((object) => ['Deployment', 'StatefulSet', 'Job'].includes(object.kind))
    .map((object) => {
      const template = (object.spec as { template: IPodTemplateSpec }).template;
      const names = new Set(
        (template.spec?.containers ?? []).flatMap((container) =>
          (container.env ?? []).map((variable) => variable.name),
        ),
      );
      const configMaps = (template.spec?.containers ?? []).flatMap((container) =>
        (container.envFrom ?? []).map((source) => source.configMapRef?.name),
      );
      for (const configMap of objectsOfKind(objects, 'ConfigMap')) {
        if (configMaps.includes(configMap.metadata.name)) {
          for (const key of Object.keys((configMap.data ?? {}) as object)) names.add(key);
        }
      }
      return {
        name: `${object.kind} ${object.metadata.name}`,
        template,
        reads: (variable: string) => names.has(variable),
      };
    });
}

/** Whether some ingress rule of a policy selecting `target` admits a pod with `labels` on `port`. */
function admits(
  policies: INetworkPolicy[],
  target: Record<string, string>,
  labels: Record<string, string>,
  port: number,
): boolean {
  return policies
    .filter((policy) => selects(policy.spec!.podSelector, target))
    .some((policy) =>
      (policy.spec!.ingress ?? []).some(
        (rule) =>
          (rule.ports ?? []).some((rulePort) => rulePort.port === port) &&
          (rule.from ?? []).some(
            (peer) =>
              peer.namespaceSelector === undefined &&
              peer.podSelector !== undefined &&
              selects(peer.podSelector, labels),
          ),
      ),
    );
}

describe.each(OVERLAYS)('NetworkPolicies of overlays/%s', (overlay) => {
  const objects = renderOverlay(overlay);
  const policies = objectsOfKind<INetworkPolicy>(objects, 'NetworkPolicy');
  const pods = podTemplates(objects);

  it('guard the NATS servers: only ingress they allow reaches them', () => {
    const guarding = policies.filter((policy) => selects(policy.spec!.podSelector, NATS_POD_LABELS));
    expect(guarding.some((policy) => policy.spec!.policyTypes?.includes('Ingress'))).toBe(true);
  });

  it('let every pod that reads NATS_URL reach NATS, and no other Switchboard pod', () => {
    for (const pod of pods) {
      expect(admits(policies, NATS_POD_LABELS, pod.template.metadata?.labels ?? {}, 4222), pod.name).toBe(
        pod.reads('NATS_URL'),
      );
    }
  });

  it('let the NATS servers reach each other on the cluster port', () => {
    expect(admits(policies, NATS_POD_LABELS, NATS_POD_LABELS, 6222)).toBe(true);
  });

  if (overlay === 'dev') {
    it('let only the pods that read DATABASE_URL reach the in-cluster Postgres', () => {
      const postgres = objectsOfKind<{ spec: { template: IPodTemplateSpec } }>(objects, 'StatefulSet').find(
        (statefulSet) =>
          statefulSet.spec.template.metadata?.labels?.['app.kubernetes.io/name'] === 'postgres',
      );
      const postgresLabels = postgres!.spec.template.metadata!.labels!;
      expect(policies.some((policy) => selects(policy.spec!.podSelector, postgresLabels))).toBe(true);
      for (const pod of pods.filter((candidate) => candidate.template !== postgres!.spec.template)) {
        expect(admits(policies, postgresLabels, pod.template.metadata?.labels ?? {}, 5432), pod.name).toBe(
          pod.reads('DATABASE_URL'),
        );
      }
    });
  }

  if (overlay !== 'dev') {
    it("keep the pods that do not read DATABASE_URL away from the managed database's addresses", () => {
      const egress = policies.filter((policy) => policy.spec!.policyTypes?.includes('Egress'));
      for (const pod of pods) {
        const labels = pod.template.metadata?.labels ?? {};
        const rules = egress.filter((policy) => selects(policy.spec!.podSelector, labels));
        if (pod.reads('DATABASE_URL')) {
          expect(rules, pod.name).toEqual([]);
          continue;
        }
        expect(rules.length, pod.name).toBeGreaterThan(0);
        const blocks = rules.flatMap((policy) => policy.spec!.egress ?? []).flatMap((rule) => rule.to ?? []);
        const external = blocks.filter((peer) => peer.ipBlock !== undefined);
        expect(external.length, pod.name).toBeGreaterThan(0);
        for (const peer of external) expect(peer.ipBlock!.except?.length, pod.name).toBeGreaterThan(0);
      }
    });
  }
});
