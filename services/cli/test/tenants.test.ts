import { createHash } from 'node:crypto';
import { startRegistryFixture } from '@switchboard/registry/testing';
import type { RegistryFixture } from '@switchboard/registry/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliInProcess } from './run-cli-in-process.js';
import type { CliResult } from './run-cli-in-process.js';

/** SHA-256 hex, computed here independently of the code under test. */
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('switchboard tenants', () => {
  let fixture: RegistryFixture;

  beforeAll(async () => {
    fixture = await startRegistryFixture('clitenants');
  });

  afterAll(async () => {
    await fixture?.close();
  });

  function cli(...argv: string[]): Promise<CliResult> {
    return runCliInProcess(argv, { SWITCHBOARD_REGISTRY: `127.0.0.1:${fixture.registry.port}` });
  }

  it('creates a tenant with a generated key, prints it once, and the registry keeps only its hash', async () => {
    const created = await cli('tenants', 'put', 'acme', '--tier', 'premium');

    expect(created.code).toBe(0);
    const match = /^created tenant acme \(tier premium\)\napi key: ([A-Za-z0-9_-]{43})\n(.*)\n$/.exec(
      created.stdout,
    );
    expect(match?.[2]).toContain('cannot be shown again');
    const key = match?.[1] ?? '';
    expect(await fixture.tenantInBucket(sha256(key))).toMatchObject({
      name: 'acme',
      tier: 'premium',
      apiKey: '',
    });

    const listed = await cli('tenants', 'list');
    expect(listed.stdout).not.toContain(key);
    expect(listed.stdout.split('\n')[0]).toMatch(/^NAME\s+TIER\s+ROUTES\s+MODELS\s+UPDATED \(UTC\)$/);
    expect(listed.stdout.split('\n')[1]).toMatch(
      /^acme\s+premium\s+\*\s+\*\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/,
    );
  });

  it('sets access lists with --routes and --models, keeps them when a put leaves them out, and clears with ""', async () => {
    await cli('tenants', 'put', 'limited', '--tier', 'free', '--routes', 'chat, assist', '--models', '');
    await cli('tenants', 'put', 'limited', '--tier', 'standard');
    const row = async () =>
      (await cli('tenants', 'list')).stdout.split('\n').find((line) => line.startsWith('limited'));

    expect(await row()).toMatch(/^limited\s+standard\s+assist,chat\s+-\s/);
    await cli('tenants', 'put', 'limited', '--tier', 'standard', '--routes', '');
    expect(await row()).toMatch(/^limited\s+standard\s+\*\s+\*\s/);
  });

  it('generates a different key for every new tenant', async () => {
    const first = await cli('tenants', 'put', 'first', '--tier', 'free');
    const second = await cli('tenants', 'put', 'second', '--tier', 'free');

    const keyOf = (result: CliResult) => /api key: (\S+)/.exec(result.stdout)?.[1];
    expect(keyOf(first)).toBeDefined();
    expect(keyOf(first)).not.toBe(keyOf(second));
  });

  it('keeps the key when a tenant is put again without --api-key, and replaces it with --api-key', async () => {
    await cli('tenants', 'put', 'globex', '--tier', 'free', '--api-key', 'globex-first-key-0123');

    const retiered = await cli('tenants', 'put', 'globex', '--tier', 'standard');
    expect(retiered.stdout).toBe('updated tenant globex (tier standard); its API key is unchanged\n');
    expect(await fixture.tenantInBucket(sha256('globex-first-key-0123'))).toMatchObject({ tier: 'standard' });

    const rekeyed = await cli(
      'tenants',
      'put',
      'globex',
      '--tier',
      'standard',
      '--api-key',
      'globex-second-key-456',
    );
    expect(rekeyed.stdout).toBe(
      'updated tenant globex (tier standard) with the given API key; the previous key no longer works\n',
    );
    expect(await fixture.tenantInBucket(sha256('globex-second-key-456'))).toMatchObject({ name: 'globex' });
    expect(await fixture.tenantInBucket(sha256('globex-first-key-0123'))).toBeUndefined();
  });

  it('prints the registry’s refusals: a short key, a key another tenant has, an unknown tenant', async () => {
    expect(await cli('tenants', 'put', 'tiny', '--tier', 'free', '--api-key', 'short')).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^error: INVALID_ARGUMENT: .*api_key has 5 characters/),
    });
    expect(
      await cli('tenants', 'put', 'copycat', '--tier', 'free', '--api-key', 'globex-second-key-456'),
    ).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^error: ALREADY_EXISTS: another tenant already uses this api_key/),
    });
    expect(await cli('tenants', 'delete', 'nobody')).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: NOT_FOUND: tenant "nobody" does not exist\n',
    });
  });

  it('requires --tier', async () => {
    const result = await cli('tenants', 'put', 'untiered');

    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("required option '--tier <tier>' not specified");
  });

  it('deletes a tenant so its key no longer has an entry', async () => {
    await cli('tenants', 'put', 'initech', '--tier', 'free', '--api-key', 'initech-key-0123456789');

    expect(await cli('tenants', 'delete', 'initech')).toEqual({
      code: 0,
      stdout: 'deleted tenant initech\n',
      stderr: '',
    });
    expect(await fixture.tenantInBucket(sha256('initech-key-0123456789'))).toBeUndefined();
    expect((await cli('tenants', 'list')).stdout).not.toMatch(/^initech/m);
  });
});
