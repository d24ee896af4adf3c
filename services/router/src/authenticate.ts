import { UnauthenticatedError } from '@switchboard/errors';
import { ANONYMOUS_TENANT } from '@switchboard/protocol';
import { hashApiKey } from '@switchboard/registry-snapshot';
import type { RegistrySnapshot } from '@switchboard/registry-snapshot';
import type { CallMetadata } from './call-metadata.js';
import type { TenantAccess } from './tenant-access.js';

/** Who sent a request. */
export interface Tenant {
  name: string;
  tier: string;
  /** What it may call (see checkTenantAccess). */
  access: TenantAccess;
}

export interface AuthenticationOptions {
  mode: 'off' | 'required';
  /** The tier of anonymous requests. */
  defaultTier: string;
  /** What anonymous requests (all of them when auth is off) may call. */
  anonymousAccess: TenantAccess;
}

const BEARER_PREFIX = /^bearer\s+/i;

/** The API key from `authorization: Bearer <key>` or `x-api-key: <key>` metadata, if any. */
function readApiKey(metadata: CallMetadata): string | undefined {
  const [authorization] = metadata.get('authorization');
  if (typeof authorization === 'string' && BEARER_PREFIX.test(authorization)) {
    return authorization.replace(BEARER_PREFIX, '').trim();
  }
  const [apiKey] = metadata.get('x-api-key');
  return typeof apiKey === 'string' ? apiKey.trim() : undefined;
}

/**
 * Names the tenant of a request from its API key, looked up by hash in the registry snapshot. With
 * authentication off every request is the anonymous tenant of the default tier.
 * @throws UnauthenticatedError when authentication is required and the key is missing or unknown.
 */
export function authenticate(
  metadata: CallMetadata,
  snapshot: RegistrySnapshot,
  options: AuthenticationOptions,
): Tenant {
  if (options.mode === 'off') {
    return { name: ANONYMOUS_TENANT, tier: options.defaultTier, access: options.anonymousAccess };
  }
  const apiKey = readApiKey(metadata);
  if (apiKey === undefined || apiKey === '') {
    throw new UnauthenticatedError(
      'this router requires an API key: send it as "authorization: Bearer <key>" (or "x-api-key") metadata',
    );
  }
  const tenant = snapshot.findTenant(hashApiKey(apiKey));
  if (tenant === undefined) {
    throw new UnauthenticatedError(
      'the API key is not known; ask an operator for one (switchboard tenants put)',
    );
  }
  return { name: tenant.name, tier: tenant.tier, access: { routes: tenant.routes, models: tenant.models } };
}
