import { PRIORITY_LEVELS, createSubjectNames, workConsumerName } from '@switchboard/nats';
import type { IRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import type { IRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import { describe, expect, it } from 'vitest';
import { OVERLAYS, objectsOfKind, renderOverlay } from './support/render-overlay.js';
import { loadDeployedConfig } from './support/service-configs.js';
import { deploymentOf, environmentOf } from './support/workloads.js';

interface ScaledObject {
  spec: {
    scaleTargetRef: { kind?: string; name: string };
    minReplicaCount?: number;
    maxReplicaCount?: number;
    triggers: { type: string; metadata: Record<string, string> }[];
  };
}

/** The demo models the bundled ScaledObject scales for (models/README.md). */
const DEMO_MODELS = ['classifier-small', 'classifier-large'];

describe.each(OVERLAYS)('worker pool scaling in overlays/%s', (overlay) => {
  const objects = renderOverlay(overlay);
  const manager = deploymentOf(objects, 'resource-manager');
  const managerConfig = loadDeployedConfig(
    'resource-manager',
    environmentOf(objects, manager).environment,
  ).full;
  const scaledObjects = objectsOfKind<ScaledObject>(objects, 'ScaledObject');

  it('has exactly one owner of the worker count: the resource manager or KEDA', () => {
    const kedaScalesWorkers = scaledObjects.some((scaled) => scaled.spec.scaleTargetRef.name === 'worker');
    expect(managerConfig.driver).toBe(kedaScalesWorkers ? 'none' : 'kubernetes');
    expect(objectsOfKind(objects, 'HorizontalPodAutoscaler')).toEqual([]);
    expect(deploymentOf(objects, 'worker').spec!.replicas).toBeUndefined();
  });

  it("lets the resource manager get and patch the worker Deployment's scale, and nothing else", () => {
    const roles = objectsOfKind<IRole>(objects, 'Role');
    const bindings = objectsOfKind<IRoleBinding>(objects, 'RoleBinding');
    const boundRoles = bindings
      .filter((binding) =>
        binding.subjects?.some(
          (subject) =>
            subject.kind === 'ServiceAccount' &&
            subject.name === manager.spec!.template.spec!.serviceAccountName,
        ),
      )
      .map((binding) => roles.find((role) => role.metadata?.name === binding.roleRef.name));
    expect(objectsOfKind(objects, 'ClusterRoleBinding')).toEqual([]);
    if (managerConfig.driver !== 'kubernetes') {
      expect(boundRoles).toEqual([]);
      return;
    }
    const rules = boundRoles.flatMap((role) => role?.rules ?? []);
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      expect(rule.apiGroups).toEqual(['apps']);
      expect(rule.resources).toEqual(['deployments/scale']);
      expect(rule.resourceNames).toEqual([
        managerConfig.kubernetes && (managerConfig.kubernetes as { deployment: string }).deployment,
      ]);
      expect(rule.verbs.every((verb) => ['get', 'patch', 'update'].includes(verb))).toBe(true);
    }
    expect(rules.flatMap((rule) => rule.verbs)).toEqual(expect.arrayContaining(['get', 'patch']));
  });

  it("points the resource manager's driver at the worker Deployment of its own namespace", () => {
    const kubernetes = managerConfig.kubernetes as { namespace: string; deployment: string };
    expect(kubernetes.namespace).toBe(manager.metadata!.namespace);
    expect(kubernetes.deployment).toBe('worker');
  });

  if (scaledObjects.length > 0) {
    it("scales on the backlog of every demo model's work consumers, within the manager's pool bounds", () => {
      const [scaled] = scaledObjects;
      expect(scaled!.spec.scaleTargetRef).toMatchObject({ name: 'worker' });
      const consumers = scaled!.spec.triggers.map((trigger) => {
        expect(trigger.type).toBe('nats-jetstream');
        expect(trigger.metadata.stream).toBe(createSubjectNames('').inferStream);
        expect(trigger.metadata.account).toBe('$G');
        // KEDA's operator runs in its own namespace: the endpoint must name the release's namespace.
        expect(trigger.metadata.natsServerMonitoringEndpoint).toBe(
          `nats-headless.${manager.metadata!.namespace}.svc.cluster.local:8222`,
        );
        expect(Number(trigger.metadata.lagThreshold)).toBeGreaterThan(0);
        return trigger.metadata.consumer;
      });
      const expected = DEMO_MODELS.flatMap((model) =>
        PRIORITY_LEVELS.map((priority) => workConsumerName(model, priority)),
      );
      expect(consumers.sort()).toEqual(expected.sort());
      expect(scaled!.spec.minReplicaCount).toBeGreaterThanOrEqual(1);
      expect(scaled!.spec.maxReplicaCount).toBe(managerConfig.maxWorkers);
    });
  }
});
