import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

/**
 * infra/nats/users.conf: one NATS user per Switchboard service with subject permissions, passwords
 * from `SWITCHBOARD_NATS_<USER>_PASSWORD` variables. Resolved from this package (dist/ → the repo root).
 */
const NATS_USERS_CONFIG_FILE = fileURLToPath(
  new URL('../../../infra/nats/users.conf', import.meta.url),
);

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

/**
 * users.conf with a fresh random password per user: 24 random bytes in hex after a letter. nats-server
 * parses a variable's value as a config value, so a password must read as a string (a leading
 * digit would make `4e1…` a number); hex holds nothing a URL or a shell would trip on.
 */
export function generateNatsUsers(): NatsUsers & {
  readonly passwords: Readonly<Record<NatsUserName, string>>;
} {
  const passwords = Object.fromEntries(
    NATS_USER_NAMES.map((user) => [user, `sb${randomBytes(24).toString('hex')}`]),
  );
  return { configFile: NATS_USERS_CONFIG_FILE, passwords: passwords as Record<NatsUserName, string> };
}
