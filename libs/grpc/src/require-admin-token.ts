import { createHash, timingSafeEqual } from 'node:crypto';
import type { DescService } from '@bufbuild/protobuf';
import type { Metadata, ServerUnaryCall } from '@grpc/grpc-js';
import { PermissionDeniedError, UnauthenticatedError } from '@switchboard/errors';
import type { ServiceHandlers } from './service-implementation.js';

/** Options for {@link requireAdminToken}. */
export interface AdminTokenOptions {
  /** The admin token; undefined leaves every method open (admin auth off). */
  readonly token: string | undefined;
  /** Methods (local names, e.g. `getModel`) that stay open: read-only calls the data plane needs. */
  readonly openMethods?: readonly string[];
}

const BEARER_PREFIX = /^bearer\s+/i;

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** The token from `authorization: Bearer <token>` metadata, or undefined. */
function readBearerToken(metadata: Metadata): string | undefined {
  const [authorization] = metadata.get('authorization');
  if (typeof authorization !== 'string' || !BEARER_PREFIX.test(authorization)) return undefined;
  return authorization.replace(BEARER_PREFIX, '').trim();
}

/**
 * Checks a call's admin credential in constant time (SHA-256 digests compared with timingSafeEqual,
 * so neither the token's content nor its length leaks through timing).
 * @throws UnauthenticatedError when the call carries no bearer token.
 * @throws PermissionDeniedError when the token is not the admin token.
 */
export function checkAdminToken(metadata: Metadata, token: string, methodName: string): void {
  const presented = readBearerToken(metadata);
  if (presented === undefined || presented === '') {
    throw new UnauthenticatedError(
      `${methodName} is an admin call: send the admin token as "authorization: Bearer <token>" metadata ` +
        '(the switchboard CLI sends SWITCHBOARD_ADMIN_TOKEN from its environment)',
    );
  }
  if (!timingSafeEqual(digest(presented), digest(token))) {
    throw new PermissionDeniedError(
      `${methodName} is an admin call and the bearer token is not the admin token; ` +
        'use the SWITCHBOARD_ADMIN_TOKEN the services were started with',
    );
  }
}

/**
 * Wraps a service's handlers so that every method but `openMethods` requires the admin token
 * (see {@link checkAdminToken}) before its handler runs. Without a token the handlers are returned as is.
 */
export function requireAdminToken<S extends DescService>(
  service: S,
  handlers: ServiceHandlers<S>,
  options: AdminTokenOptions,
): ServiceHandlers<S> {
  const { token } = options;
  if (token === undefined) return handlers;
  const open = new Set(options.openMethods ?? []);
  const guarded: Record<string, unknown> = {};
  type Handler = (request: unknown, call: ServerUnaryCall<unknown, unknown>) => Promise<unknown>;
  const given = handlers as unknown as Record<string, Handler>;
  for (const method of service.methods) {
    const handler = given[method.localName];
    if (handler === undefined || open.has(method.localName)) {
      guarded[method.localName] = handler;
      continue;
    }
    guarded[method.localName] =
      method.methodKind === 'unary'
        ? async (request: unknown, call: ServerUnaryCall<unknown, unknown>) => {
            checkAdminToken(call.metadata, token, method.name);
            return handler(request, call);
          }
        : async (call: ServerUnaryCall<unknown, unknown>) => {
            checkAdminToken(call.metadata, token, method.name);
            return (handler as unknown as (streamCall: unknown) => Promise<unknown>)(call);
          };
  }
  return guarded as unknown as ServiceHandlers<S>;
}
