import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@switchboard/logging';
import type { Registry } from 'prom-client';

/** The path Prometheus scrapes by default. */
const METRICS_PATH = '/metrics';

/** Where and what {@link startMetricsServer} serves. */
export interface MetricsServerOptions {
  /** Interface to listen on, e.g. `0.0.0.0`. */
  host: string;
  /** Port to listen on; 0 picks a free one. */
  port: number;
  /** The metrics to serve, usually from {@link createMetricsRegistry}. */
  registry: Registry;
  logger: Logger;
}

/** A listening metrics endpoint. */
export interface RunningMetricsServer {
  /** The bound port (the chosen one when 0 was asked for). */
  readonly port: number;
  /** Stops listening and closes open connections. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Serves `registry` in the Prometheus text format at `GET /metrics` (HEAD too) over plain HTTP.
 * Other paths get 404, other methods on /metrics 405, and a collector that throws 500 (logged).
 * @throws Error with the listen error as `cause` when the address cannot be bound (e.g. port in use).
 */
export async function startMetricsServer(options: MetricsServerOptions): Promise<RunningMetricsServer> {
  const logger = options.logger.child({ component: 'metrics-server' });
  const server = createServer((request, response) => {
    respond(request, response, options.registry, logger).catch((error: unknown) =>
      logger.error({ err: error }, 'answering a metrics request failed'),
    );
  });
  const port = await listen(server, options.host, options.port);
  server.on('error', (error) => logger.error({ err: error }, 'metrics server failed'));
  logger.info({ host: options.host, port }, 'metrics server listening');
  let stopping: Promise<void> | undefined;
  return { port, stop: () => (stopping ??= close(server)) };
}

async function respond(
  request: IncomingMessage,
  response: ServerResponse,
  registry: Registry,
  logger: Logger,
): Promise<void> {
  const path = new URL(request.url ?? '/', 'http://metrics.invalid').pathname;
  if (path !== METRICS_PATH)
    return sendText(response, 404, `not found: metrics are served at ${METRICS_PATH}`);
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('Allow', 'GET, HEAD');
    return sendText(response, 405, `method ${request.method ?? ''} not allowed: use GET`);
  }
  let body: string;
  try {
    body = await registry.metrics();
  } catch (error) {
    logger.error({ err: error }, 'collecting metrics failed');
    return sendText(response, 500, 'collecting metrics failed');
  }
  response.writeHead(200, { 'Content-Type': registry.contentType });
  response.end(request.method === 'HEAD' ? undefined : body);
}

function sendText(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  response.end(`${text}\n`);
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) =>
      reject(new Error(`metrics server could not listen on ${host}:${port}`, { cause: error }));
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error === undefined ? resolve() : reject(error)));
    // close() drops idle keep-alive connections itself; this also cuts a scrape still being answered,
    // so stopping never waits on a slow scraper.
    server.closeAllConnections();
  });
}
