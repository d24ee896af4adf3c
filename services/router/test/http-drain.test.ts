import { request as httpRequest } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { createLogger } from '@switchboard/logging';
import { syntheticSpec } from '@switchboard/models/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, startRouter } from '../src/index.js';
import { startTestSystem } from './support/test-system.js';
import type { TestSystem } from './support/test-system.js';

const BODY = JSON.stringify({
  inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 4], data: [0.1, 0.2, 0.3, 0.4] }],
});

/** POSTs an inference with node:http and resolves with the response and its body. */
function postInfer(port: number): Promise<{ response: IncomingMessage; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      { host: '127.0.0.1', port, method: 'POST', path: '/v2/models/steady/infer' },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ response, body }));
      },
    );
    request.on('error', reject);
    request.end(BODY);
  });
}

describe('a router stopping with HTTP calls in flight', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await startTestSystem('http-drain');
    await system.registry.registerModel({
      model: syntheticSpec('steady', { base_latency_ms: '400' }, 4, { latencyPriorMs: 1 }),
    });
    await system.startWorker(['steady']);
    await system.waitUntilReady('steady');
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('answers the calls in flight, closes their connections and then refuses new ones', async () => {
    const router = await startRouter(
      loadConfig({ ...system.environment, ROUTER_HOST: '127.0.0.1', ROUTER_PORT: '0' }),
      createLogger({ service: 'test', level: 'silent' }),
    );
    const port = router.httpPort!;
    const inFlight = postInfer(port);
    // Let the call reach the worker (it runs 400 ms) before the router is told to stop.
    await new Promise((resolve) => setTimeout(resolve, 150));
    const stopped = router.stop();
    const { response, body } = await inFlight;
    await stopped;

    expect(response.statusCode, body).toBe(200);
    expect(response.headers.connection).toBe('close');
    expect((JSON.parse(body) as { outputs: unknown[] }).outputs).toHaveLength(1);
    await expect(postInfer(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
