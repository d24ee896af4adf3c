import { toJsonString } from '@bufbuild/protobuf';
import { StatusCode } from '@switchboard/errors';
import { createLogger } from '@switchboard/logging';
import {
  ListTenantsResponseSchema,
  PutTenantResponseSchema,
  RegistryChangeKind,
} from '@switchboard/protocol';
import { hashApiKey, startRegistrySnapshot, tenantKey } from '@switchboard/registry-snapshot';
import { waitFor } from '@switchboard/testkit';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistryFixture } from '../src/testing/index.js';
import type { RegistryFixture } from '../src/testing/index.js';
import { refusalOf } from './refusal-of.js';

const ACME_KEY = 'acme-key-0123456789abcdef';
const ACME_NEW_KEY = 'acme-rotated-key-9876543210';

describe('registry tenants', () => {
  let fixture: RegistryFixture;

  beforeAll(async () => {
    fixture = await startRegistryFixture('tenants');
  });

  afterAll(async () => {
    await fixture?.close();
  });

  /** Every value in the bucket, decoded as text, so a test can look for a key inside any of them. */
  const bucketText = async () => {
    const texts: string[] = [];
    for await (const key of await fixture.bucket.keys()) {
      const entry = await fixture.bucket.get(key);
      if (entry?.operation === 'PUT') texts.push(`${key}=${new TextDecoder().decode(entry.value)}`);
    }
    return texts.join('\n');
  };

  it('creates a tenant, lists it and mirrors it under the hash of its key with name, tier and update time', async () => {
    const { tenant } = await fixture.client.putTenant({
      tenant: { name: 'acme', tier: 'premium', apiKey: ACME_KEY },
    });

    expect(tenant).toMatchObject({ name: 'acme', tier: 'premium', apiKey: '' });
    expect(tenant?.updatedAtUnixMs).toBeGreaterThan(0n);
    expect((await fixture.client.listTenants({})).tenants).toEqual([tenant]);
    expect(await fixture.tenantInBucket(hashApiKey(ACME_KEY))).toEqual(tenant);
    const event = await waitFor(() => fixture.events.find((change) => change.name === 'acme'));
    expect(event).toMatchObject({ kind: RegistryChangeKind.TENANT, deleted: false });
  });

  it('keeps the key of an existing tenant put without one, and changes its tier', async () => {
    const { tenant } = await fixture.client.putTenant({ tenant: { name: 'acme', tier: 'standard' } });

    expect(tenant).toMatchObject({ name: 'acme', tier: 'standard' });
    expect(await fixture.tenantInBucket(hashApiKey(ACME_KEY))).toEqual(tenant);
  });

  it('moves the bucket entry to the new key hash when the key changes and deletes the old one', async () => {
    const { tenant } = await fixture.client.putTenant({
      tenant: { name: 'acme', tier: 'standard', apiKey: ACME_NEW_KEY },
    });

    expect(await fixture.tenantInBucket(hashApiKey(ACME_NEW_KEY))).toEqual(tenant);
    expect(await fixture.bucket.get(tenantKey(hashApiKey(ACME_KEY)))).toMatchObject({ operation: 'DEL' });
    const last = await waitFor(() =>
      fixture.events.filter((change) => change.name === 'acme').at(-1)?.deleted === false
        ? fixture.events.filter((change) => change.name === 'acme').at(-1)
        : undefined,
    );
    expect(last).toMatchObject({ kind: RegistryChangeKind.TENANT, deleted: false });
  });

  it('lets a RegistrySnapshot find a tenant by key hash and forget the old key', async () => {
    const snapshot = await startRegistrySnapshot(
      fixture.connection,
      fixture.names,
      createLogger({ service: 'test', level: 'silent' }),
    );
    try {
      expect(snapshot.findTenant(hashApiKey(ACME_NEW_KEY))).toMatchObject({ name: 'acme', tier: 'standard' });
      expect(snapshot.findTenant(hashApiKey(ACME_KEY))).toBeUndefined();
      await fixture.client.putTenant({
        tenant: { name: 'globex', tier: 'free', apiKey: 'globex-key-abcdefghijkl' },
      });
      const globex = await waitFor(() => snapshot.findTenant(hashApiKey('globex-key-abcdefghijkl')));
      expect(globex).toMatchObject({ name: 'globex', tier: 'free' });
    } finally {
      await snapshot.stop();
    }
  });

  it('answers INVALID_ARGUMENT for a new tenant without a key, a short key, a key with spaces and a malformed tier', async () => {
    const cases = [
      [{ name: 'newcomer', tier: 'free' }, 'tenant "newcomer" is new, so it needs an api_key of at least 16'],
      [{ name: 'newcomer', tier: 'free', apiKey: 'short' }, 'api_key has 5 characters; use 16 to 512'],
      [{ name: 'newcomer', tier: 'free', apiKey: 'has spaces in the key' }, 'printable ASCII'],
      [
        { name: 'newcomer', tier: 'Gold!', apiKey: 'newcomer-key-0123456789' },
        'tier name "Gold!" is invalid',
      ],
      [{ name: 'New Comer', tier: 'free', apiKey: 'newcomer-key-0123456789' }, 'tenant name "New Comer"'],
    ] as const;
    for (const [tenant, message] of cases) {
      const refusal = await refusalOf(fixture.client.putTenant({ tenant }));
      expect(refusal?.code).toBe(StatusCode.INVALID_ARGUMENT);
      expect(refusal?.details).toContain(message);
    }
    expect((await fixture.client.listTenants({})).tenants.map((tenant) => tenant.name)).not.toContain(
      'newcomer',
    );
  });

  it('answers ALREADY_EXISTS when another tenant already uses the key, and keeps both tenants as they were', async () => {
    const refusal = await refusalOf(
      fixture.client.putTenant({ tenant: { name: 'copycat', tier: 'free', apiKey: ACME_NEW_KEY } }),
    );

    expect(refusal?.code).toBe(StatusCode.ALREADY_EXISTS);
    expect(refusal?.details).toContain('another tenant already uses this api_key');
    expect(refusal?.details).not.toContain(ACME_NEW_KEY);
    expect(await fixture.tenantInBucket(hashApiKey(ACME_NEW_KEY))).toMatchObject({ name: 'acme' });
    expect((await fixture.client.listTenants({})).tenants.map((tenant) => tenant.name)).toEqual([
      'acme',
      'globex',
    ]);
  });

  it('deletes a tenant with its bucket entry, and answers NOT_FOUND for one that does not exist', async () => {
    await fixture.client.putTenant({
      tenant: { name: 'initech', tier: 'free', apiKey: 'initech-key-0123456789' },
    });

    await fixture.client.deleteTenant({ name: 'initech' });

    expect(await fixture.tenantInBucket(hashApiKey('initech-key-0123456789'))).toBeUndefined();
    const event = await waitFor(() =>
      fixture.events.find((change) => change.name === 'initech' && change.deleted),
    );
    expect(event).toMatchObject({ kind: RegistryChangeKind.TENANT });
    const refusal = await refusalOf(fixture.client.deleteTenant({ name: 'initech' }));
    expect(refusal).toMatchObject({ code: StatusCode.NOT_FOUND, details: 'tenant "initech" does not exist' });
  });

  it('never returns or stores an API key: not in responses, not in the bucket, not in Postgres', async () => {
    const key = 'umbrella-secret-key-0123456789';
    const put = await fixture.client.putTenant({
      tenant: { name: 'umbrella', tier: 'premium', apiKey: key },
    });
    const listed = await fixture.client.listTenants({});

    expect(toJsonString(PutTenantResponseSchema, put)).not.toContain(key);
    expect(toJsonString(ListTenantsResponseSchema, listed)).not.toContain(key);
    expect(listed.tenants.every((tenant) => tenant.apiKey === '')).toBe(true);
    expect(await bucketText()).not.toContain(key);
    const sql = postgres(fixture.config.databaseUrl, { max: 1 });
    try {
      const rows = await sql<{ row: string }[]>`SELECT row_to_json(t)::text AS row FROM tenants t`;
      expect(rows.map((row) => row.row).join('\n')).not.toContain(key);
      expect(rows.map((row) => row.row).join('\n')).toContain(hashApiKey(key));
    } finally {
      await sql.end();
    }
  });

  it('stores an access list of routes and models, returns it and mirrors it for the routers', async () => {
    const apiKey = 'limited-key-0123456789abcdef';
    const { tenant } = await fixture.client.putTenant({
      tenant: { name: 'limited', tier: 'free', apiKey, routes: ['chat'], models: ['small', 'small'] },
    });

    expect(tenant).toMatchObject({ routes: ['chat'], models: ['small'] });
    expect(await fixture.tenantInBucket(hashApiKey(apiKey))).toMatchObject({
      routes: ['chat'],
      models: ['small'],
    });
    const listed = (await fixture.client.listTenants({})).tenants.find((each) => each.name === 'limited');
    expect(listed).toMatchObject({ routes: ['chat'], models: ['small'] });
  });
});
