import type { TenantSpec } from '@switchboard/protocol';
import type { Command } from 'commander';
import type { CommandContext } from '../command-context.js';
import { formatTable } from '../format-table.js';
import { formatUtcTime } from '../format-utc-time.js';
import { generateApiKey } from '../generate-api-key.js';

interface PutTenantOptions {
  tier: string;
  apiKey?: string;
  /** Comma-separated; '' clears the list. Undefined keeps the tenant's current list. */
  routes?: string;
  models?: string;
}

/** A comma-separated list flag: names without blanks; '' is the empty list. */
function parseNames(text: string): string[] {
  return text
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
}

/** Adds `tenants put|list|delete` to `program`. */
export function registerTenantsCommand(program: Command, context: CommandContext): void {
  const tenants = program.command('tenants').description('give clients API keys and tiers');
  tenants
    .command('put <name>')
    .description(
      'create a tenant or change its tier and key; a new tenant without --api-key gets a generated key',
    )
    .requiredOption('--tier <tier>', 'the tenant’s tier, e.g. free, standard or premium')
    .option('--api-key <key>', 'the key clients send (16+ characters); omit to keep the current one')
    .option(
      '--routes <names>',
      'routes it may call, comma-separated; "" for none. Omit to keep the current list. With neither list the tenant may call everything',
    )
    .option(
      '--models <names>',
      'models it may call by name, comma-separated; "" for none. Omit to keep the current list',
    )
    .action(async (name: string, options: PutTenantOptions) => putTenant(name, options, context));
  tenants
    .command('list')
    .description('list every tenant (keys are never shown: the registry keeps only their hashes)')
    .action(async () => {
      const { tenants: list } = await context.registry().listTenants({}, context.callOptions);
      context.io.stdout.write(formatTenantTable(list));
    });
  tenants
    .command('delete <name>')
    .description('delete a tenant; its key stops working')
    .action(async (name: string) => {
      await context.registry().deleteTenant({ name }, context.callOptions);
      context.io.stdout.write(`deleted tenant ${name}\n`);
    });
}

async function putTenant(name: string, options: PutTenantOptions, context: CommandContext): Promise<void> {
  const registry = context.registry();
  const { tenants } = await registry.listTenants({}, context.callOptions);
  const current = tenants.find((tenant) => tenant.name === name);
  const isNew = current === undefined;
  // PutTenant replaces the whole spec: a list not given keeps the stored one.
  const routes = options.routes === undefined ? (current?.routes ?? []) : parseNames(options.routes);
  const models = options.models === undefined ? (current?.models ?? []) : parseNames(options.models);
  const generated = isNew && options.apiKey === undefined ? generateApiKey() : undefined;
  const apiKey = options.apiKey ?? generated ?? '';
  const { tenant } = await registry.putTenant(
    { tenant: { name, tier: options.tier, apiKey, routes, models } },
    context.callOptions,
  );
  const stored = `tenant ${tenant?.name ?? name} (tier ${tenant?.tier ?? options.tier})`;
  const out = context.io.stdout;
  if (generated !== undefined) {
    out.write(`created ${stored}\napi key: ${generated}\n`);
    out.write('Store this key now: it is shown only once and cannot be shown again.\n');
  } else if (isNew) {
    out.write(`created ${stored} with the given API key\n`);
  } else if (options.apiKey === undefined) {
    out.write(`updated ${stored}; its API key is unchanged\n`);
  } else {
    out.write(`updated ${stored} with the given API key; the previous key no longer works\n`);
  }
}

/** `*` when the tenant has no list at all (it may call everything), `-` for an empty list beside a set one. */
function formatAccess(tenant: TenantSpec, names: readonly string[]): string {
  if (tenant.routes.length === 0 && tenant.models.length === 0) return '*';
  return names.length === 0 ? '-' : names.join(',');
}

function formatTenantTable(tenants: TenantSpec[]): string {
  const rows = tenants.map((tenant) => [
    tenant.name,
    tenant.tier,
    formatAccess(tenant, tenant.routes),
    formatAccess(tenant, tenant.models),
    formatUtcTime(tenant.updatedAtUnixMs),
  ]);
  return formatTable(['NAME', 'TIER', 'ROUTES', 'MODELS', 'UPDATED (UTC)'], rows);
}
