import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { createLogger } from '@switchboard/logging';
import { Scale } from 'kubernetes-models/autoscaling/v1/Scale';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createKubernetesPoolDriver } from './kubernetes-pool-driver.js';
import type { PoolDriver } from './pool-driver.js';

const NAMESPACE = 'switchboard';
const DEPLOYMENT = 'worker';
const TOKEN = 'service-account-token';
/**
 * The scale subresource of apps/v1 Deployments and the patch types its PATCH operation accepts, as
 * Kubernetes' OpenAPI document (api/openapi-spec/v3/apis__apps__v1_openapi.json) lists them.
 */
const SCALE_PATH_TEMPLATE = '/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale';
const PATCH_CONTENT_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
];

interface RecordedRequest {
  method: string;
  path: string;
  contentType: string | undefined;
  authorization: string | undefined;
  body: string;
}

type JsonObject = { [key: string]: unknown };

/**
 * Stands in for the API server's scale subresource: serves a Scale and applies merge patches to it,
 * refusing (422, as the API server does) any result that is not a valid autoscaling/v1 Scale.
 */
class ScaleEndpoint {
  readonly requests: RecordedRequest[] = [];
  refusePatches = false;
  scale: JsonObject;

  constructor(replicas: number) {
    this.scale = {
      apiVersion: 'autoscaling/v1',
      kind: 'Scale',
      metadata: { name: DEPLOYMENT, namespace: NAMESPACE, resourceVersion: '4021' },
      spec: { replicas },
      status: { replicas, selector: 'app.kubernetes.io/name=switchboard-worker' },
    };
    new Scale(this.scale as never).validate();
  }

  answer(request: RecordedRequest): { status: number; body: unknown } {
    this.requests.push(request);
    if (request.authorization !== `Bearer ${TOKEN}`)
      return { status: 401, body: status(401, 'Unauthorized') };
    if (request.path !== fillPath(SCALE_PATH_TEMPLATE, { namespace: NAMESPACE, name: DEPLOYMENT })) {
      return { status: 404, body: status(404, 'NotFound') };
    }
    if (request.method === 'GET') return { status: 200, body: this.scale };
    if (request.method !== 'PATCH') return { status: 405, body: status(405, 'MethodNotAllowed') };
    if (this.refusePatches) return { status: 403, body: status(403, 'Forbidden') };
    if (request.contentType !== 'application/merge-patch+json') {
      return { status: 415, body: status(415, 'UnsupportedMediaType') };
    }
    const patched = mergePatch(this.scale, JSON.parse(request.body)) as JsonObject;
    try {
      new Scale(patched as never).validate();
    } catch (error) {
      return { status: 422, body: status(422, `Invalid: ${String(error)}`) };
    }
    this.scale = patched;
    return { status: 200, body: this.scale };
  }
}

describe('kubernetes pool driver', () => {
  let server: Server;
  let endpoint: ScaleEndpoint;
  let driver: PoolDriver;

  async function start(replicas: number): Promise<void> {
    endpoint = new ScaleEndpoint(replicas);
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const { status: code, body } = endpoint.answer({
          method: request.method ?? '',
          path: new URL(request.url ?? '/', 'http://localhost').pathname,
          contentType: request.headers['content-type'],
          authorization: request.headers.authorization,
          body: Buffer.concat(chunks).toString('utf8'),
        });
        response.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    // Production loads the pod's service account (loadFromCluster); the test points the same client here.
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromOptions({
      clusters: [{ name: 'test', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
      users: [{ name: 'resource-manager', token: TOKEN }],
      contexts: [{ name: 'test', cluster: 'test', user: 'resource-manager', namespace: NAMESPACE }],
      currentContext: 'test',
    });
    driver = createKubernetesPoolDriver({
      kubeConfig,
      namespace: NAMESPACE,
      deployment: DEPLOYMENT,
      logger: createLogger({ service: 'resource-manager', level: 'silent' }),
    });
  }

  beforeEach(() => {
    server = createServer();
  });

  afterEach(async () => {
    await driver?.stop();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('patches the Deployment’s scale subresource with a merge patch that leaves a valid autoscaling/v1 Scale', async () => {
    await start(1);

    await driver.resize(3, []);

    const [read, patch] = endpoint.requests;
    const path = fillPath(SCALE_PATH_TEMPLATE, { namespace: NAMESPACE, name: DEPLOYMENT });
    expect(read).toMatchObject({ method: 'GET', path });
    expect(patch).toMatchObject({ method: 'PATCH', path, contentType: 'application/merge-patch+json' });
    expect(PATCH_CONTENT_TYPES).toContain(patch?.contentType);
    // The patch itself is a partial Scale: its fields have the schema's types…
    const body = JSON.parse(patch?.body ?? '{}') as JsonObject;
    expect(() =>
      new Scale({ apiVersion: 'autoscaling/v1', kind: 'Scale', ...body } as never).validate(),
    ).not.toThrow();
    expect(body).toEqual({ spec: { replicas: 3 } });
    // …and applied to the Deployment's Scale it leaves a valid one asking for three replicas.
    expect(endpoint.scale).toMatchObject({
      kind: 'Scale',
      spec: { replicas: 3 },
      metadata: { name: DEPLOYMENT },
    });
    expect(endpoint.requests).toHaveLength(2);
    expect(driver.owns(`${DEPLOYMENT}-7c9d8b6f5-x2x4q`)).toBe(false);
  });

  it('patches nothing when the Deployment already has the count, and asks nothing while the count stays', async () => {
    await start(2);

    await driver.resize(2, []);
    await driver.resize(2, []);

    expect(endpoint.requests.map(({ method }) => method)).toEqual(['GET']);
    await driver.resize(0, []);
    expect(endpoint.requests.map(({ method }) => method)).toEqual(['GET', 'GET', 'PATCH']);
    expect(endpoint.scale).toMatchObject({ spec: { replicas: 0 } });
  });

  it('fails a resize the API server refuses and reads the scale again at the next one', async () => {
    await start(1);
    endpoint.refusePatches = true;

    await expect(driver.resize(2, [])).rejects.toThrow();
    endpoint.refusePatches = false;
    await driver.resize(2, []);

    expect(endpoint.requests.map(({ method }) => method)).toEqual(['GET', 'PATCH', 'GET', 'PATCH']);
    expect(endpoint.scale).toMatchObject({ spec: { replicas: 2 } });
  });
});

function fillPath(template: string, parameters: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(parameters[name] ?? ''));
}

/** RFC 7386 JSON merge patch: objects merge key by key, null removes a key, anything else replaces. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const result: JsonObject = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A metav1.Status, the API server's error body. */
function status(code: number, reason: string): JsonObject {
  return { apiVersion: 'v1', kind: 'Status', status: 'Failure', code, reason, message: reason };
}
