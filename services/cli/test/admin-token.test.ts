import { startRegistryFixture } from '@switchboard/registry/testing';
import type { RegistryFixture } from '@switchboard/registry/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliInProcess } from './run-cli-in-process.js';

const ADMIN_TOKEN = 'cli-admin-token-0123456789abcdef';

describe('switchboard with admin auth on', () => {
  let fixture: RegistryFixture;

  beforeAll(async () => {
    fixture = await startRegistryFixture('cliadmin', { SWITCHBOARD_ADMIN_TOKEN: ADMIN_TOKEN });
  });

  afterAll(async () => {
    await fixture?.close();
  });

  const registry = () => ({ SWITCHBOARD_REGISTRY: `127.0.0.1:${fixture.registry.port}` });

  it('sends SWITCHBOARD_ADMIN_TOKEN from its environment on admin calls', async () => {
    const result = await runCliInProcess(['tenants', 'put', 'acme', '--tier', 'free'], {
      ...registry(),
      SWITCHBOARD_ADMIN_TOKEN: ADMIN_TOKEN,
    });

    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^created tenant acme \(tier free\)/);
  });

  it('says how to send the token when it has none, and never prints a wrong one', async () => {
    const without = await runCliInProcess(['tenants', 'list'], registry());
    const wrong = await runCliInProcess(['tenants', 'list'], {
      ...registry(),
      SWITCHBOARD_ADMIN_TOKEN: 'not-the-admin-token-000',
    });

    expect(without.code).toBe(1);
    expect(without.stderr).toMatch(/UNAUTHENTICATED: ListTenants is an admin call/);
    expect(wrong.stderr).toMatch(/PERMISSION_DENIED: .*not the admin token/);
    expect(wrong.stderr).not.toContain('not-the-admin-token-000');
  });
});
