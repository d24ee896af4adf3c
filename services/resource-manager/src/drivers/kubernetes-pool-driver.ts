import { AppsV1Api, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from '@switchboard/logging';
import type { PoolDriver } from './pool-driver.js';

/** Options for {@link createKubernetesPoolDriver}. */
export interface KubernetesPoolDriverOptions {
  /** Where the API server is and how to authenticate: `loadFromCluster()` in a pod. */
  readonly kubeConfig: KubeConfig;
  /** Namespace and name of the worker Deployment. */
  readonly namespace: string;
  readonly deployment: string;
  readonly logger: Logger;
}

/**
 * Sizes the pool through the worker Deployment's scale subresource
 * (`/apis/apps/v1/namespaces/<namespace>/deployments/<deployment>/scale`): reads it, and patches
 * `spec.replicas` only when the count changed, so a steady pool costs no API calls. The pods are
 * the cluster's: Kubernetes picks which one goes when the count falls, and `owns` is always false.
 * Needs a Role granting `get` and `patch` on `deployments/scale`.
 */
export function createKubernetesPoolDriver(options: KubernetesPoolDriverOptions): PoolDriver {
  const api = options.kubeConfig.makeApiClient(AppsV1Api);
  const { namespace, deployment: name, logger } = options;
  /** The replicas last read or written; undefined until then and after a failure, so the next call reads again. */
  let known: number | undefined;

  return {
    name: 'kubernetes',
    async resize(count) {
      if (count === known) return;
      known = undefined;
      const scale = await api.readNamespacedDeploymentScale({ name, namespace });
      const current = scale.spec?.replicas ?? 0;
      if (current !== count) {
        // A JSON merge patch names only the field it changes, so it never undoes a concurrent edit of another.
        await api.patchNamespacedDeploymentScale(
          { name, namespace, body: { spec: { replicas: count } } },
          setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
        );
        logger.info({ namespace, deployment: name, from: current, to: count }, 'worker deployment scaled');
      }
      known = count;
    },
    owns: () => false,
    async stop() {},
  };
}
