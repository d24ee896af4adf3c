import { randomBytes } from 'node:crypto';
import { adminMetadata } from '@switchboard/grpc';
import { generateNatsUsers } from '@switchboard/local-infra';
import type { NatsUserName, NatsUsers } from '@switchboard/local-infra';
import type { CliConfig } from '../config.js';
import { generateApiKey } from '../generate-api-key.js';

/** The services `up` starts, by the NATS user each connects as. */
export type UpService = Exclude<NatsUserName, 'admin' | 'worker'>;

/** What `up --auth` turns on, and the credentials it uses. */
export interface UpAuth {
  /** SWITCHBOARD_ADMIN_TOKEN of the registry, optimizer and resource manager, and of `up`'s own calls. */
  readonly adminToken: string;
  /** The `demo` tenant's API key, which the demo request sends (the router requires keys). */
  readonly demoApiKey: string;
  /** Users of the throwaway nats-server; undefined when NATS_URL names a server `up` does not start. */
  readonly natsUsers: NatsUsers | undefined;
  /** Which credentials were generated for this run (and are printed once), not taken from the environment. */
  readonly generated: readonly ('admin token' | 'demo API key')[];
  /** Variables a service gets besides the shared ones: its NATS user, the admin token where it checks it. */
  environmentOf(service: UpService): Record<string, string>;
}

/** The services that check (or send) the admin token. */
const ADMIN_SERVICES: ReadonlySet<UpService> = new Set(['registry', 'optimizer', 'resource-manager']);

/**
 * Credentials for `up --auth`: the admin token and demo key from the environment or generated, and
 * NATS users (passwords from SWITCHBOARD_NATS_<USER>_PASSWORD or generated) when `up` starts NATS.
 */
export function createUpAuth(config: CliConfig): UpAuth {
  const adminToken = config.adminToken ?? randomBytes(32).toString('base64url');
  const demoApiKey = config.demoApiKey ?? generateApiKey();
  const natsUsers = config.natsUrl === undefined ? withGivenPasswords(config) : undefined;
  const natsLogin = (user: NatsUserName): Record<string, string> =>
    natsUsers === undefined ? {} : { NATS_USER: user, NATS_PASSWORD: natsUsers.passwords[user] ?? '' };
  return {
    adminToken,
    demoApiKey,
    natsUsers,
    generated: [
      ...(config.adminToken === undefined ? (['admin token'] as const) : []),
      ...(config.demoApiKey === undefined ? (['demo API key'] as const) : []),
    ],
    environmentOf(service) {
      return {
        ...natsLogin(service),
        ...(ADMIN_SERVICES.has(service) ? { SWITCHBOARD_ADMIN_TOKEN: adminToken } : {}),
        ...(service === 'router' ? { ROUTER_AUTH: 'required' } : {}),
        ...(service === 'resource-manager' ? { RM_LOCAL_WORKER_ENV: workerEnvironment(natsUsers) } : {}),
      };
    },
  };
}

/**
 * RM_LOCAL_WORKER_ENV: workers inherit the manager's environment, so they are given their own NATS
 * user and an empty admin token (a worker makes no admin call).
 */
function workerEnvironment(natsUsers: NatsUsers | undefined): string {
  const login =
    natsUsers === undefined
      ? []
      : ['NATS_USER=worker', `NATS_PASSWORD=${natsUsers.passwords['worker'] ?? ''}`];
  return ['SWITCHBOARD_ADMIN_TOKEN=', ...login].join(',');
}

function withGivenPasswords(config: CliConfig): NatsUsers {
  const generated = generateNatsUsers(config.namespace);
  return { ...generated, passwords: { ...generated.passwords, ...config.natsPasswords } };
}

/** The metadata `up`'s own clients send: the admin token, or the demo key for the router. */
export function upClientMetadata(
  auth: UpAuth | undefined,
  config: CliConfig,
): { admin: Record<string, string>; router: Record<string, string> } {
  if (auth === undefined) return { admin: adminMetadata(config.adminToken), router: {} };
  return { admin: adminMetadata(auth.adminToken), router: { authorization: `Bearer ${auth.demoApiKey}` } };
}

/** The lines `up --auth` prints: what is on, and the credentials it generated (shown this once). */
export function describeUpAuth(auth: UpAuth): string {
  const lines = [
    `auth on: admin calls need the admin token, the router needs API keys${auth.natsUsers === undefined ? '' : ', NATS has one user per service'}`,
  ];
  if (auth.generated.includes('admin token')) {
    lines.push(
      `  export SWITCHBOARD_ADMIN_TOKEN=${auth.adminToken}   # generated for this run; the CLI sends it`,
    );
  }
  if (auth.generated.includes('demo API key')) {
    lines.push(
      `  demo tenant API key: ${auth.demoApiKey}   # generated for this run; send "authorization: Bearer <key>"`,
    );
  }
  return `${lines.join('\n')}\n`;
}
