import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { INetworkPolicyPeer } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPeer';
import type { INetworkPolicyPort } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPort';
import { selects } from './workloads.js';

/** A pod as NetworkPolicies see it. */
export interface PodAddress {
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** A TCP port of the destination pod: its number and, when the container names it, its name. */
export interface PodPort {
  readonly number: number;
  readonly name?: string;
}

function policyTypes(policy: INetworkPolicy): string[] {
  const spec = policy.spec!;
  return spec.policyTypes ?? ['Ingress', ...(spec.egress === undefined ? [] : ['Egress'])];
}

/**
 * Whether `peer` of a policy in `policyNamespace` matches `pod`. Only selectors count: pod addresses
 * are not known before the pods run, so an ipBlock never matches a pod here.
 */
function peerMatches(peer: INetworkPolicyPeer, policyNamespace: string, pod: PodAddress): boolean {
  if (peer.ipBlock !== undefined) return false;
  const namespaceMatches =
    peer.namespaceSelector === undefined
      ? pod.namespace === policyNamespace
      : selects(peer.namespaceSelector, { 'kubernetes.io/metadata.name': pod.namespace });
  return namespaceMatches && (peer.podSelector === undefined || selects(peer.podSelector, pod.labels));
}

function portMatches(rulePorts: INetworkPolicyPort[] | undefined, port: PodPort): boolean {
  if (rulePorts === undefined || rulePorts.length === 0) return true;
  return rulePorts.some((rulePort) => {
    if ((rulePort.protocol ?? 'TCP') !== 'TCP') return false;
    if (rulePort.port === undefined) return true;
    if (typeof rulePort.port === 'string') return rulePort.port === port.name;
    return rulePort.endPort === undefined
      ? rulePort.port === port.number
      : port.number >= rulePort.port && port.number <= rulePort.endPort;
  });
}

/**
 * Whether the NetworkPolicies let `from` open a TCP connection to `to` on `port`: the egress policies
 * selecting `from` (if any) must allow it, and so must the ingress policies selecting `to` (if any).
 */
export function allowsConnection(
  policies: INetworkPolicy[],
  from: PodAddress,
  to: PodAddress,
  port: PodPort,
): boolean {
  const governing = (pod: PodAddress, type: string) =>
    policies.filter(
      (policy) =>
        (policy.metadata?.namespace ?? pod.namespace) === pod.namespace &&
        policyTypes(policy).includes(type) &&
        selects(policy.spec!.podSelector, pod.labels),
    );
  const egress = governing(from, 'Egress');
  const egressAllowed =
    egress.length === 0 ||
    egress.some((policy) =>
      (policy.spec!.egress ?? []).some(
        (rule) =>
          portMatches(rule.ports, port) &&
          (rule.to === undefined ||
            rule.to.length === 0 ||
            rule.to.some((peer) => peerMatches(peer, from.namespace, to))),
      ),
    );
  const ingress = governing(to, 'Ingress');
  const ingressAllowed =
    ingress.length === 0 ||
    ingress.some((policy) =>
      (policy.spec!.ingress ?? []).some(
        (rule) =>
          portMatches(rule.ports, port) &&
          (rule.from === undefined ||
            rule.from.length === 0 ||
            rule.from.some((peer) => peerMatches(peer, to.namespace, from))),
      ),
    );
  return egressAllowed && ingressAllowed;
}
