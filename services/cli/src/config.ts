import { envString, parseConfig, variable } from '@switchboard/config';
import type { Environment } from '@switchboard/config';

/** Where the registry listens when neither `--registry` nor SWITCHBOARD_REGISTRY says otherwise. */
const DEFAULT_REGISTRY_ADDRESS = 'localhost:8010';

const shape = {
  SWITCHBOARD_REGISTRY: variable(envString(DEFAULT_REGISTRY_ADDRESS), 'localhost:8010'),
};

/** What the CLI takes from its environment. */
export interface CliConfig {
  /** host:port of the registry's admin gRPC API; `--registry` overrides it. */
  readonly registryAddress: string;
}

/**
 * Reads the CLI's environment. The only place the CLI looks at environment variables.
 * @throws ConfigError when a variable is malformed.
 */
export function loadCliConfig(environment: Environment): CliConfig {
  const parsed = parseConfig(shape, environment);
  return Object.freeze({ registryAddress: parsed.SWITCHBOARD_REGISTRY });
}
