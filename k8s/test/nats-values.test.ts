import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { K8S_DIRECTORY, renderOverlay } from './support/render-overlay.js';
import type { OverlayName } from './support/render-overlay.js';
import { loadDeployedConfig } from './support/service-configs.js';
import { SERVICES, deploymentOf, environmentOf, mainContainer, quantityBytes } from './support/workloads.js';

type Values = Record<string, unknown>;

const chartDefaults = parse(
  readFileSync(`${K8S_DIRECTORY}test/__fixtures__/nats-chart-2.14.2-values.yaml`, 'utf8'),
) as Values;
const usersConf = readFileSync(`${K8S_DIRECTORY}../infra/nats/users.conf`, 'utf8');
/** The router's `ratelimits` bucket, a memory KV of 8 MiB (services/router/src/admission/tenant-rate-limits.ts). */
const RATE_LIMIT_BUCKET_BYTES = 8 * 1024 ** 2;

function readValues(file: string): Values {
  return parse(readFileSync(`${K8S_DIRECTORY}nats/${file}`, 'utf8')) as Values;
}

function isMap(value: unknown): value is Values {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The paths of `values` the chart does not read. Below a key whose default is an empty map, list or
 * nothing (`merge: {}`, `env: {}`, `resources: {}`, `secretName:`), the chart takes whatever is given.
 */
function unknownPaths(values: Values, defaults: Values, prefix = ''): string[] {
  return Object.entries(values).flatMap(([key, value]) => {
    const path = `${prefix}${key}`;
    if (!(key in defaults)) return [path];
    const fallback = defaults[key];
    if (!isMap(fallback) || Object.keys(fallback).length === 0) return [];
    return isMap(value) ? unknownPaths(value, fallback, `${path}.`) : [`${path} (expected a map)`];
  });
}

function at(values: Values, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (isMap(node) ? node[key] : undefined), values);
}

/** The password variables users.conf reads (`$SWITCHBOARD_NATS_ROUTER_PASSWORD`), by user. */
function usersConfPasswords(): Map<string, string> {
  const users = new Map<string, string>();
  for (const match of usersConf.matchAll(/user:\s*([\w-]+),\s*password:\s*\$(\w+)/g))
    users.set(match[1]!, match[2]!);
  return users;
}

describe.each([
  ['values-dev.yaml', 'dev'],
  ['values-prod.yaml', 'prod'],
] as const)('NATS chart values %s', (file, overlay: OverlayName) => {
  const values = readValues(file);
  const objects = renderOverlay(overlay);
  const configs = SERVICES.map((service) => {
    const deployment = deploymentOf(objects, service);
    return {
      service,
      deployment,
      config: loadDeployedConfig(service, environmentOf(objects, deployment).environment),
    };
  });
  const replicas =
    at(values, 'config.cluster.enabled') === true ? Number(at(values, 'config.cluster.replicas')) : 1;

  it('sets only keys the chart reads', () => {
    expect(unknownPaths(values, chartDefaults)).toEqual([]);
  });

  it('runs JetStream with file storage on a volume', () => {
    expect(at(values, 'config.jetstream.enabled')).toBe(true);
    expect(at(values, 'config.jetstream.fileStore.enabled')).toBe(true);
    expect(at(values, 'config.jetstream.fileStore.pvc.enabled') ?? true).toBe(true);
  });

  it('has room for the streams and memory buckets the services reserve', () => {
    const router = configs.find(({ service }) => service === 'router')!.config.full;
    const fileBytes = quantityBytes(String(at(values, 'config.jetstream.fileStore.pvc.size')));
    const telemetryBytes = router.telemetryMaxBytes as number;
    expect(fileBytes).toBeGreaterThan(telemetryBytes + (router.decisionsMaxBytes as number));
    expect(at(values, 'config.jetstream.memoryStore.enabled')).toBe(true);
    const memoryBytes = quantityBytes(String(at(values, 'config.jetstream.memoryStore.maxSize')));
    expect(memoryBytes).toBeGreaterThanOrEqual(
      (router.resultCacheMaxBytes as number) + RATE_LIMIT_BUCKET_BYTES,
    );
    expect(quantityBytes(String(at(values, 'container.resources.limits.memory')))).toBeGreaterThan(
      memoryBytes,
    );
  });

  it('gives the services as many stream replicas as there are servers', () => {
    for (const { service, config } of configs)
      expect(config.common.natsStreamReplicas, service).toBe(replicas);
  });

  it('includes infra/nats/users.conf, which the install puts beside nats.conf', () => {
    expect(at(values, 'config.merge.$include')).toBe('./users.conf');
    const readme = readFileSync(`${K8S_DIRECTORY}README.md`, 'utf8');
    expect(readme).toContain(
      `-f k8s/nats/${file} --set-file 'configMap.merge.data.users\\.conf=infra/nats/users.conf'`,
    );
  });

  it("gives the servers every password users.conf reads, from the Secret each service's own comes from", () => {
    const passwords = usersConfPasswords();
    expect(passwords.size).toBe(7);
    const env = at(values, 'container.env') as Record<
      string,
      { valueFrom?: { secretKeyRef?: { name: string; key: string } } }
    >;
    expect(Object.keys(env).sort()).toEqual([...passwords.values()].sort());
    for (const [user, variable] of passwords) {
      expect(env[variable]?.valueFrom?.secretKeyRef, variable).toEqual({
        name: 'switchboard-nats-passwords',
        key: user,
      });
    }
    for (const { service, deployment, config } of configs) {
      const user = config.common.nats.user;
      expect(passwords.has(user ?? ''), `${service} logs in as a user of users.conf`).toBe(true);
      const password = mainContainer(deployment).env?.find((variable) => variable.name === 'NATS_PASSWORD');
      expect(password?.valueFrom?.secretKeyRef, service).toEqual({
        name: 'switchboard-nats-passwords',
        key: user,
      });
    }
  });

  if (overlay === 'prod') {
    it('clusters 3 servers with TLS for clients and routes, which the services verify', () => {
      expect(replicas).toBe(3);
      expect(at(values, 'config.nats.tls.enabled')).toBe(true);
      expect(at(values, 'config.cluster.tls.enabled')).toBe(true);
      expect(at(values, 'config.nats.tls.secretName')).toBeTruthy();
      for (const { service, config } of configs) {
        expect(config.common.natsUrl, service).toMatch(/^tls:\/\//);
        expect(config.common.nats.tls?.caFile, service).toBeDefined();
      }
    });
  }
});
