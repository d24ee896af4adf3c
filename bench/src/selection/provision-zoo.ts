import { randomBytes } from 'node:crypto';
import type { RegistryClient } from '../shared/start-switchboard-stack.js';
import { MODEL_ZOO, ROUTE_BY_MODALITY, TIERS } from './model-zoo.js';
import type { Tier, WorkloadModality } from './model-zoo.js';
import { toModelSpec, toRouteSpec } from './zoo-specs.js';

/** The API key of each tier's tenant, sent as `authorization: Bearer <key>`. */
export type TenantKeys = Readonly<Record<Tier, string>>;

/** One fresh random key per tier (24 bytes, base64url: 32 printable characters). */
export function createTenantKeys(): TenantKeys {
  const key = () => randomBytes(24).toString('base64url');
  return { free: key(), standard: key(), premium: key() };
}

/**
 * Registers the zoo through the registry's admin API: every model, one route per modality and one
 * tenant per tier (`bench-free`, `bench-standard`, `bench-premium`) with the given keys. The bench
 * runs on a database of its own, so nothing here can exist already.
 * @throws GrpcCallError when the registry refuses a spec.
 */
export async function provisionZoo(registry: RegistryClient, keys: TenantKeys): Promise<void> {
  for (const model of MODEL_ZOO) await registry.registerModel({ model: toModelSpec(model) });
  for (const modality of Object.keys(ROUTE_BY_MODALITY) as WorkloadModality[]) {
    await registry.putRoute({ route: toRouteSpec(modality) });
  }
  for (const tier of Object.keys(TIERS) as Tier[]) {
    await registry.putTenant({ tenant: { name: `bench-${tier}`, tier, apiKey: keys[tier] } });
  }
}
