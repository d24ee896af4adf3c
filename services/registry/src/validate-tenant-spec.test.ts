import { create } from '@bufbuild/protobuf';
import { InvalidArgumentError } from '@switchboard/errors';
import { TenantSpecSchema } from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';
import { validateTenantSpec } from './validate-tenant-spec.js';

describe('validateTenantSpec', () => {
  it('treats an empty api_key as "keep the current key"', () => {
    const tenant = validateTenantSpec(create(TenantSpecSchema, { name: 'acme', tier: 'free' }));

    expect(tenant).toEqual({ name: 'acme', tier: 'free', apiKey: undefined, routes: [], models: [] });
  });

  it('keeps an access list sorted and without duplicates', () => {
    const spec = { name: 'acme', tier: 'free', routes: ['chat', 'chat', 'assist'], models: ['small'] };
    const tenant = validateTenantSpec(create(TenantSpecSchema, spec));

    expect([tenant.routes, tenant.models]).toEqual([['assist', 'chat'], ['small']]);
  });

  it('rejects a malformed name in an access list, naming the list', () => {
    const spec = { name: 'acme', tier: 'free', models: ['Big Model'] };

    expect(() => validateTenantSpec(create(TenantSpecSchema, spec))).toThrow(
      /invalid tenant "acme": models: model name "Big Model" is invalid/,
    );
  });

  it('accepts a 32-byte base64url key as the CLI generates it', () => {
    const apiKey = 'q2Zb3pLx0mN8vT1wYc7dE4fG5hJ6kR9sU0aB2cD3eF4';
    const tenant = validateTenantSpec(create(TenantSpecSchema, { name: 'acme', tier: 'free', apiKey }));

    expect(tenant.apiKey).toBe(apiKey);
  });

  it('rejects a key with a control character without repeating the key', () => {
    const apiKey = 'line-one-of-the-key\nline-two';

    const validate = () =>
      validateTenantSpec(create(TenantSpecSchema, { name: 'acme', tier: 'free', apiKey }));

    expect(validate).toThrow(InvalidArgumentError);
    expect(validate).toThrow('printable ASCII');
    expect(validate).not.toThrow(/line-one/);
  });

  it('requires a tier', () => {
    expect(() => validateTenantSpec(create(TenantSpecSchema, { name: 'acme' }))).toThrow(
      'tier name is required',
    );
  });
});
