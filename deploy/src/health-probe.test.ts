import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startGrpcServer } from '@switchboard/grpc';
import type { GrpcServerOptions } from '@switchboard/grpc';
import { describe, expect, it } from 'vitest';

const PROBE = fileURLToPath(new URL('../../infra/docker/health-probe.mjs', import.meta.url));
const run = promisify(execFile);

/** Runs the images' health probe and resolves to its exit code and what it printed. */
async function probe(...args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    await run(process.execPath, [PROBE, ...args]);
    return { code: 0, stderr: '' };
  } catch (error) {
    const failed = error as { code: number; stderr: string };
    return { code: failed.code, stderr: failed.stderr };
  }
}

/** startGrpcServer logs only errors of handlers, and this server has none. */
const silentLogger = { error: () => undefined } as unknown as GrpcServerOptions['logger'];

describe("the images' health probe", () => {
  it('passes a gRPC server only while grpc.health.v1 says SERVING, and fails one that is gone', async () => {
    const server = await startGrpcServer({ host: '127.0.0.1', port: 0, services: [], logger: silentLogger });
    const address = `127.0.0.1:${server.port}`;
    try {
      expect(await probe('grpc', address)).toMatchObject({
        code: 1,
        stderr: expect.stringContaining('not SERVING'),
      });
      server.setServing(true);
      expect(await probe('grpc', address)).toEqual({ code: 0, stderr: '' });
    } finally {
      await server.stop(0);
    }
    expect(await probe('grpc', address)).toMatchObject({ code: 1 });
  });

  it('passes an HTTP endpoint answering 200 and fails one answering anything else', async () => {
    let status = 200;
    const server = createServer((_request, response) => response.writeHead(status).end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const target = `127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
    try {
      expect(await probe('http', target)).toEqual({ code: 0, stderr: '' });
      status = 503;
      expect(await probe('http', target)).toMatchObject({
        code: 1,
        stderr: expect.stringContaining('HTTP 503'),
      });
    } finally {
      server.close();
    }
  });
});
