import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { previewText } from '@switchboard/errors';
import type { ServerTlsFiles } from '@switchboard/grpc';
import type { Logger } from '@switchboard/logging';
import FindMyWay from 'find-my-way';
import type { HTTPMethod } from 'find-my-way';
import { HttpError, toHttpErrorReply } from './http-error.js';
import type { HttpCallObserver } from './http-metrics.js';
import { UNMATCHED_ROUTE } from './http-metrics.js';
import type { HttpReply, HttpRoute } from './http-route.js';
import { endHttpSpan, runInHttpSpan } from './http-span.js';

export interface HttpServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  routes: readonly HttpRoute[];
  logger: Logger;
  /** Told about every answered call (metrics). */
  observe: HttpCallObserver;
  /** Largest request line and headers, in bytes; larger ones are answered 431 by node. */
  maxHeaderBytes: number;
  /** HTTPS with this certificate (and, with a client CA, required client certificates). @default plain HTTP */
  tls?: ServerTlsFiles;
}

/** A listening HTTP/REST door. */
export interface RunningHttpServer {
  readonly port: number;
  /** Whether stop has begun (readiness answers false from then on). */
  readonly stopping: boolean;
  /**
   * Stops accepting connections, closes idle keep-alive ones, lets in-flight calls finish (answered
   * with `connection: close`) for up to `graceMs`, then closes the rest. Idempotent.
   */
  stop(graceMs: number): Promise<void>;
}

/** What a matched path leads to: an endpoint, or a refusal naming the methods the path takes. */
type RouteEntry = { route: HttpRoute } | { template: string; allowed: string };

/** Methods answered 405 (with `allow`) on a known path; any other method there is 404 like an unknown path. */
const REFUSED_METHODS: readonly HTTPMethod[] = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'];
/** A whole request (headers and body) must arrive within this, so slow senders cannot hold sockets. */
const REQUEST_TIMEOUT_MS = 60_000;
const HEADERS_TIMEOUT_MS = 10_000;

/** Builds the path matcher: each endpoint under its method (GET ones answer HEAD too), 405 for the rest. */
function createMatcher(routes: readonly HttpRoute[]) {
  const matcher = FindMyWay({ ignoreTrailingSlash: true, maxParamLength: 512 });
  const methodsByTemplate = new Map<string, string[]>();
  for (const route of routes) {
    const methods: HTTPMethod[] = route.method === 'GET' ? ['GET', 'HEAD'] : [route.method];
    matcher.on(methods, route.template, () => undefined, { route } satisfies RouteEntry);
    methodsByTemplate.set(route.template, [...(methodsByTemplate.get(route.template) ?? []), ...methods]);
  }
  for (const [template, methods] of methodsByTemplate) {
    const refused = REFUSED_METHODS.filter((method) => !methods.includes(method));
    matcher.on(refused, template, () => undefined, {
      template,
      allowed: methods.join(', '),
    } satisfies RouteEntry);
  }
  return matcher;
}

/**
 * Starts the HTTP/REST door: node:http with keep-alive, find-my-way to match endpoints, one SERVER
 * span and one metrics observation per call. Errors answer `{"error": "<message>"}` with the status
 * toHttpErrorReply gives; unexpected ones are logged with their cause and answered 500.
 * @throws Error with the listen error as `cause` when the address cannot be bound.
 */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const logger = options.logger.child({ component: 'http' });
  const matcher = createMatcher(options.routes);
  let stopping = false;
  let inFlight = 0;
  let drained: (() => void) | undefined;

  const answer = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const startedAt = performance.now();
    const method = request.method ?? 'GET';
    const url = request.url ?? '/';
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    const found = matcher.find(method as HTTPMethod, path);
    const entry = found?.store as RouteEntry | undefined;
    const template =
      entry === undefined ? UNMATCHED_ROUTE : 'route' in entry ? entry.route.template : entry.template;
    await runInHttpSpan(method, template, request.headers, async (span) => {
      let reply: HttpReply;
      let failure: unknown;
      try {
        if (entry === undefined) {
          throw new HttpError(
            404,
            `no endpoint at ${previewText(path)}: the KServe v2 endpoints are under /v2`,
          );
        }
        if (!('route' in entry)) {
          throw new HttpError(405, `${method} is not allowed on ${entry.template}; use ${entry.allowed}`, {
            allow: entry.allowed,
          });
        }
        reply = await entry.route.handle({ request, params: found?.params ?? {} });
      } catch (error) {
        failure = error;
        reply = errorReply(error, template, logger);
      }
      send(response, reply, stopping);
      endHttpSpan(span, reply.status, failure);
      options.observe(method, template, reply.status, (performance.now() - startedAt) / 1000);
    });
  };

  const onRequest = (request: IncomingMessage, response: ServerResponse) => {
    inFlight += 1;
    answer(request, response)
      .catch((error: unknown) => logger.error({ err: error }, 'answering an HTTP call failed'))
      .finally(() => {
        inFlight -= 1;
        if (inFlight === 0) drained?.();
      });
  };
  const server = createHttpOrHttpsServer(options, onRequest);
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  const port = await listen(server, options.host, options.port);
  server.on('error', (error) => logger.error({ err: error }, 'HTTP server failed'));
  logger.info({ host: options.host, port, tls: options.tls !== undefined }, 'HTTP/REST door listening');

  const stop = async (graceMs: number) => {
    stopping = true;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const calmed = new Promise<void>((resolve) => {
      drained = resolve;
      if (inFlight === 0) resolve();
    });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([calmed, new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
    // Answered calls' sockets close themselves (connection: close); this ends the stragglers.
    server.closeAllConnections();
    await closed;
  };
  let stopped: Promise<void> | undefined;
  return {
    port,
    get stopping() {
      return stopping;
    },
    stop: (graceMs) => (stopped ??= stop(graceMs)),
  };
}

function createHttpOrHttpsServer(
  options: HttpServerOptions,
  onRequest: (request: IncomingMessage, response: ServerResponse) => void,
): Server {
  const common = { maxHeaderSize: options.maxHeaderBytes, keepAlive: true };
  if (options.tls === undefined) return createServer(common, onRequest);
  const clientCa =
    options.tls.clientCaFile === undefined ? undefined : readFileSync(options.tls.clientCaFile);
  return createTlsServer(
    {
      ...common,
      cert: readFileSync(options.tls.certFile),
      key: readFileSync(options.tls.keyFile),
      ca: clientCa,
      requestCert: clientCa !== undefined,
      rejectUnauthorized: clientCa !== undefined,
    },
    onRequest,
  );
}

function errorReply(error: unknown, template: string, logger: Logger): HttpReply {
  const reply = toHttpErrorReply(error);
  if (reply.unexpected) logger.error({ err: error, route: template }, 'unexpected error in HTTP handler');
  const headers: Record<string, string> = { ...reply.headers, 'content-type': 'application/json' };
  // The rest of a body too large is not worth reading: close the connection after answering.
  if (reply.status === 413) headers.connection = 'close';
  return { status: reply.status, headers, body: JSON.stringify({ error: reply.message }) };
}

function send(response: ServerResponse, reply: HttpReply, stopping: boolean): void {
  if (response.destroyed) return;
  const headers: Record<string, string | number> = {
    ...reply.headers,
    'content-length': typeof reply.body === 'string' ? Buffer.byteLength(reply.body) : reply.body.length,
  };
  if (stopping) headers.connection = 'close';
  response.writeHead(reply.status, headers);
  response.end(reply.body);
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) =>
      reject(new Error(`HTTP/REST door could not listen on ${host}:${port}`, { cause: error }));
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
