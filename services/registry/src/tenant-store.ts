import { create } from '@bufbuild/protobuf';
import { AlreadyExistsError, InvalidArgumentError, NotFoundError } from '@switchboard/errors';
import { TenantSpecSchema } from '@switchboard/protocol';
import type { TenantSpec } from '@switchboard/protocol';
import { hashApiKey } from '@switchboard/registry-snapshot';
import { isUniqueViolation } from './is-unique-violation.js';
import type { Database, Queryable } from './open-database.js';
import { MIN_API_KEY_LENGTH } from './validate-tenant-spec.js';
import type { ValidTenant } from './validate-tenant-spec.js';

/** The unique constraint on `tenants.api_key_sha256` (Postgres' default name for it). */
const API_KEY_CONSTRAINT = 'tenants_api_key_sha256_key';

interface TenantRow {
  name: string;
  tier: string;
  api_key_sha256: string;
  routes: string[];
  models: string[];
  updated_at: Date;
}

/** A tenant as stored: the spec the API returns (never with a key) and the hash of its key. */
export interface StoredTenant {
  readonly tenant: TenantSpec;
  readonly apiKeyHash: string;
}

/** What PutTenant changed: the stored tenant, and the hash of its previous key if the key changed. */
export interface PutTenantResult extends StoredTenant {
  readonly previousApiKeyHash: string | undefined;
}

function toStoredTenant(row: TenantRow): StoredTenant {
  const tenant = create(TenantSpecSchema, {
    name: row.name,
    tier: row.tier,
    routes: row.routes,
    models: row.models,
    updatedAtUnixMs: BigInt(row.updated_at.getTime()),
  });
  return { tenant, apiKeyHash: row.api_key_sha256 };
}

/** The tenant named `name`, or undefined when there is none. */
export async function findTenant(sql: Queryable, name: string): Promise<StoredTenant | undefined> {
  const [row] = await sql<TenantRow[]>`SELECT * FROM tenants WHERE name = ${name}`;
  return row === undefined ? undefined : toStoredTenant(row);
}

/** The tenant whose API key has the SHA-256 `apiKeyHash`, or undefined when there is none. */
export async function findTenantByKeyHash(
  sql: Queryable,
  apiKeyHash: string,
): Promise<StoredTenant | undefined> {
  const [row] = await sql<TenantRow[]>`SELECT * FROM tenants WHERE api_key_sha256 = ${apiKeyHash}`;
  return row === undefined ? undefined : toStoredTenant(row);
}

/** Every tenant, by name. */
export async function listTenants(sql: Queryable): Promise<StoredTenant[]> {
  const rows = await sql<TenantRow[]>`SELECT * FROM tenants ORDER BY name`;
  return rows.map(toStoredTenant);
}

/**
 * Creates the tenant or replaces its tier and, when a key is given, its key. Only the key's SHA-256
 * is stored.
 * @throws InvalidArgumentError when the tenant is new and no key is given.
 * @throws AlreadyExistsError when another tenant already has the key.
 */
export async function putTenant(database: Database, tenant: ValidTenant): Promise<PutTenantResult> {
  return database.begin(async (sql) => {
    const [existing] = await sql<Pick<TenantRow, 'api_key_sha256'>[]>`
      SELECT api_key_sha256 FROM tenants WHERE name = ${tenant.name} FOR UPDATE`;
    const previousApiKeyHash = existing?.api_key_sha256;
    const apiKeyHash = tenant.apiKey === undefined ? previousApiKeyHash : hashApiKey(tenant.apiKey);
    if (apiKeyHash === undefined) {
      throw new InvalidArgumentError(
        `tenant ${JSON.stringify(tenant.name)} is new, so it needs an api_key of at least ${MIN_API_KEY_LENGTH} characters`,
      );
    }
    const row = await upsertTenant(sql, tenant, apiKeyHash);
    return {
      ...toStoredTenant(row),
      previousApiKeyHash: previousApiKeyHash === apiKeyHash ? undefined : previousApiKeyHash,
    };
  });
}

async function upsertTenant(sql: Queryable, tenant: ValidTenant, apiKeyHash: string): Promise<TenantRow> {
  try {
    const [row] = await sql<TenantRow[]>`
      INSERT INTO tenants (name, tier, api_key_sha256, routes, models)
      VALUES (${tenant.name}, ${tenant.tier}, ${apiKeyHash}, ${tenant.routes}, ${tenant.models})
      ON CONFLICT (name) DO UPDATE
      SET tier = EXCLUDED.tier, api_key_sha256 = EXCLUDED.api_key_sha256, routes = EXCLUDED.routes,
        models = EXCLUDED.models, updated_at = now()
      RETURNING *`;
    // INSERT … ON CONFLICT DO UPDATE … RETURNING returns the row whether it inserted or updated.
    return row as TenantRow;
  } catch (error) {
    if (!isUniqueViolation(error, API_KEY_CONSTRAINT)) throw error;
    // Not naming the other tenant: whoever holds a key should not learn whose key it also is.
    throw new AlreadyExistsError(
      `another tenant already uses this api_key; give tenant ${JSON.stringify(tenant.name)} a key of its own`,
      { cause: error },
    );
  }
}

/**
 * Deletes a tenant and returns the hash of its key, whose KV entry must go too.
 * @throws NotFoundError when there is none.
 */
export async function deleteTenant(database: Database, name: string): Promise<string> {
  const [deleted] = await database<Pick<TenantRow, 'api_key_sha256'>[]>`
    DELETE FROM tenants WHERE name = ${name} RETURNING api_key_sha256`;
  if (deleted === undefined) throw new NotFoundError(`tenant ${JSON.stringify(name)} does not exist`);
  return deleted.api_key_sha256;
}
