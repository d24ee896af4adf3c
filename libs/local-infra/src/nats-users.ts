import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * infra/nats/users.conf: one NATS user per Switchboard service with subject permissions, passwords
 * from `SWITCHBOARD_NATS_<USER>_PASSWORD` variables. Resolved from this package (dist/ → the repo root).
 */
const NATS_USERS_CONFIG_FILE = fileURLToPath(new URL('../../../infra/nats/users.conf', import.meta.url));

/** The users of users.conf: `admin` (everything) and one per service. */
export const NATS_USER_NAMES = [
  'admin',
  'registry',
  'router',
  'worker',
  'monitor',
  'optimizer',
  'resource-manager',
] as const;

/** One of {@link NATS_USER_NAMES}. */
export type NatsUserName = (typeof NATS_USER_NAMES)[number];

/** A users config for nats-server and the password of each user it names. */
export interface NatsUsers {
  readonly configFile: string;
  /** Password by user name. */
  readonly passwords: Readonly<Record<string, string>>;
}

/** The variable users.conf reads a user's password from, e.g. `SWITCHBOARD_NATS_RESOURCE_MANAGER_PASSWORD`. */
export function natsPasswordVariable(user: string): string {
  return `SWITCHBOARD_NATS_${user.toUpperCase().replaceAll('-', '_')}_PASSWORD`;
}

/** A namespaced KV bucket in users.conf: `$KV.*_registry.>` (see renderNatsUsersConfig). */
const NAMESPACED_BUCKET_PATTERN = /\$KV\.\*_/g;

/**
 * users.conf for a SWITCHBOARD_NAMESPACE: a KV bucket is named `<namespace>_<bucket>`, one token,
 * and NATS wildcards match whole tokens only, so users.conf's `$KV.*_registry.>` would match no
 * bucket; it stands for the namespace and is written out here. The namespace is one of the
 * config's names (lowercase letters and digits), so it cannot change the file's syntax.
 */
export function renderNatsUsersConfig(namespace: string): string {
  const template = readFileSync(NATS_USERS_CONFIG_FILE, 'utf8');
  return namespace === '' ? template : template.replace(NAMESPACED_BUCKET_PATTERN, `$KV.${namespace}_`);
}

/**
 * users.conf rendered for `namespace` (see renderNatsUsersConfig) with a fresh random password per
 * user: 24 random bytes in hex after a letter. nats-server parses a variable's value as a config
 * value, so a password must read as a string (a leading digit would make `4e1…` a number); hex
 * holds nothing a URL or a shell would trip on.
 */
export function generateNatsUsers(namespace = ''): NatsUsers & {
  readonly passwords: Readonly<Record<NatsUserName, string>>;
} {
  const passwords = Object.fromEntries(
    NATS_USER_NAMES.map((user) => [user, `sb${randomBytes(24).toString('hex')}`]),
  );
  const configFile = join(mkdtempSync(join(tmpdir(), 'switchboard-nats-users-')), 'users.conf');
  writeFileSync(configFile, renderNatsUsersConfig(namespace), { mode: 0o600 });
  return { configFile, passwords: passwords as Record<NatsUserName, string> };
}
