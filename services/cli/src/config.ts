import {
  adminTokenVariable,
  databaseMigrationUrlVariable,
  envOptionalString,
  envString,
  envUrl,
  grpcTlsVariables,
  parseConfig,
  readGrpcTlsSettings,
  secretVariable,
  urlVariable,
  variable,
} from '@switchboard/config';
import type { Environment } from '@switchboard/config';
import { adminMetadata } from '@switchboard/grpc';
import type { GrpcClientOptions } from '@switchboard/grpc';
import { NATS_USER_NAMES, natsPasswordVariable } from '@switchboard/local-infra';
import type { NatsUserName } from '@switchboard/local-infra';

/** Where the registry listens when neither `--registry` nor SWITCHBOARD_REGISTRY says otherwise. */
const DEFAULT_REGISTRY_ADDRESS = 'localhost:8010';
/** Where the monitor listens when neither `--monitor` nor SWITCHBOARD_MONITOR says otherwise. */
const DEFAULT_MONITOR_ADDRESS = 'localhost:8020';
/** Where the optimizer listens when neither `--optimizer` nor SWITCHBOARD_OPTIMIZER says otherwise. */
const DEFAULT_OPTIMIZER_ADDRESS = '127.0.0.1:8030';
/** Where the resource manager listens when neither `--resource-manager` nor SWITCHBOARD_RESOURCE_MANAGER says otherwise. */
const DEFAULT_RESOURCE_MANAGER_ADDRESS = '127.0.0.1:8040';
/** Where the router listens when neither `--router` nor SWITCHBOARD_ROUTER says otherwise. */
const DEFAULT_ROUTER_ADDRESS = 'localhost:8001';

const shape = {
  SWITCHBOARD_REGISTRY: variable(envString(DEFAULT_REGISTRY_ADDRESS), 'localhost:8010'),
  SWITCHBOARD_MONITOR: variable(envString(DEFAULT_MONITOR_ADDRESS), 'localhost:8020'),
  SWITCHBOARD_OPTIMIZER: variable(envString(DEFAULT_OPTIMIZER_ADDRESS), '127.0.0.1:8030'),
  SWITCHBOARD_RESOURCE_MANAGER: variable(envString(DEFAULT_RESOURCE_MANAGER_ADDRESS), '127.0.0.1:8040'),
  SWITCHBOARD_ROUTER: variable(envString(DEFAULT_ROUTER_ADDRESS), 'router:8001'),
  SWITCHBOARD_DEMO_ARTIFACT_DIR: variable(envOptionalString(), '/opt/switchboard/models'),
  SWITCHBOARD_NAMESPACE: variable(envString(''), 'dev'),
  NATS_URL: urlVariable(envUrl(['nats:']), 'nats://127.0.0.1:4222'),
  DATABASE_URL: urlVariable(
    envUrl(['postgres:', 'postgresql:']),
    'postgres://postgres@127.0.0.1:5432/postgres',
  ),
  ...databaseMigrationUrlVariable,
  SWITCHBOARD_DEMO_API_KEY: secretVariable(envOptionalString(), 'a-demo-key-of-16-or-more-characters'),
  ...adminTokenVariable,
  ...grpcTlsVariables,
  ...natsPasswordVariables(),
};

/** `SWITCHBOARD_NATS_<USER>_PASSWORD` for every user of infra/nats/users.conf: `up --auth` uses them when set. */
function natsPasswordVariables() {
  const passwordVariable = secretVariable(envOptionalString(), 'sb0123456789abcdef');
  return Object.fromEntries(
    NATS_USER_NAMES.map((user) => [natsPasswordVariable(user), passwordVariable]),
  ) as Record<`SWITCHBOARD_NATS_${string}_PASSWORD`, typeof passwordVariable>;
}

/** What the CLI takes from its environment. */
export interface CliConfig {
  /** host:port of the registry's admin gRPC API; `--registry` overrides it. */
  readonly registryAddress: string;
  /** host:port of the monitor's MonitorService API; `--monitor` overrides it. */
  readonly monitorAddress: string;
  /** host:port of the optimizer's OptimizerService API; `--optimizer` overrides it. */
  readonly optimizerAddress: string;
  /** host:port of the resource manager's ResourceManagerService API; `--resource-manager` overrides it. */
  readonly resourceManagerAddress: string;
  /** host:port of the router's OIP gRPC API, where `demo` sends its request; `demo --router` overrides it. */
  readonly routerAddress: string;
  /** Where the workers find the demo classifiers' files, for `demo` (`SWITCHBOARD_DEMO_ARTIFACT_DIR`); unset: this install's. */
  readonly demoArtifactDirectory: string | undefined;
  /** Namespace `up` gives the services it starts (see the services' SWITCHBOARD_NAMESPACE). */
  readonly namespace: string;
  /** NATS for `up`; unset means start a throwaway nats-server. */
  readonly natsUrl: string | undefined;
  /** Postgres for `up` (unset: start a throwaway cluster); for `migrate`, the role the services connect as. */
  readonly databaseUrl: string | undefined;
  /** The schema owner `migrate` runs the migrations as (`DATABASE_MIGRATION_URL`); unset: DATABASE_URL's role. */
  readonly databaseMigrationUrl: string | undefined;
  /** The admin token the CLI sends on every admin call (`SWITCHBOARD_ADMIN_TOKEN`); `up --auth` generates one when unset. */
  readonly adminToken: string | undefined;
  /** What every gRPC client of the CLI uses: TLS (`GRPC_TLS_CA_FILE`, `GRPC_TLS_CLIENT_*`) and the admin token. */
  readonly clientOptions: GrpcClientOptions;
  /** What the CLI's router client uses (`demo`): TLS, and the demo key as a bearer token when SWITCHBOARD_DEMO_API_KEY is set. */
  readonly routerClientOptions: GrpcClientOptions;
  /** NATS passwords `up --auth` gives its throwaway nats-server's users (`SWITCHBOARD_NATS_<USER>_PASSWORD`); generated when unset. */
  readonly natsPasswords: Readonly<Partial<Record<NatsUserName, string>>>;
  /** The key of the `demo` tenant `up --auth --demo` creates (`SWITCHBOARD_DEMO_API_KEY`); generated when unset. */
  readonly demoApiKey: string | undefined;
}

/**
 * Reads the CLI's environment. The only place the CLI looks at environment variables.
 * @throws ConfigError when a variable is malformed.
 */
export function loadCliConfig(environment: Environment): CliConfig {
  const parsed = parseConfig(shape, environment);
  const tls = readGrpcTlsSettings(parsed).client;
  const natsPasswords = Object.fromEntries(
    NATS_USER_NAMES.flatMap((user) => {
      const password = (parsed as Record<string, string | undefined>)[natsPasswordVariable(user)];
      return password === undefined ? [] : [[user, password]];
    }),
  );
  return Object.freeze({
    registryAddress: parsed.SWITCHBOARD_REGISTRY,
    monitorAddress: parsed.SWITCHBOARD_MONITOR,
    optimizerAddress: parsed.SWITCHBOARD_OPTIMIZER,
    resourceManagerAddress: parsed.SWITCHBOARD_RESOURCE_MANAGER,
    routerAddress: parsed.SWITCHBOARD_ROUTER,
    demoArtifactDirectory: parsed.SWITCHBOARD_DEMO_ARTIFACT_DIR,
    namespace: parsed.SWITCHBOARD_NAMESPACE,
    natsUrl: parsed.NATS_URL,
    databaseUrl: parsed.DATABASE_URL,
    databaseMigrationUrl: parsed.DATABASE_MIGRATION_URL,
    adminToken: parsed.SWITCHBOARD_ADMIN_TOKEN,
    clientOptions: {
      ...(tls === undefined ? {} : { tls }),
      metadata: adminMetadata(parsed.SWITCHBOARD_ADMIN_TOKEN),
    },
    routerClientOptions: {
      ...(tls === undefined ? {} : { tls }),
      metadata: routerMetadata(parsed.SWITCHBOARD_DEMO_API_KEY),
    },
    natsPasswords,
    demoApiKey: parsed.SWITCHBOARD_DEMO_API_KEY,
  });
}

/** The demo tenant's key as a bearer token, when one is set: what a router with ROUTER_AUTH=required wants. */
function routerMetadata(apiKey: string | undefined): Record<string, string> {
  return apiKey === undefined ? {} : { authorization: `Bearer ${apiKey}` };
}
