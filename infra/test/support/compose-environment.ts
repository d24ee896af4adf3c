import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { parse } from 'yaml';
import { repositoryPath } from './repository-path.js';

export const COMPOSE_FILE = 'docker-compose.yml';
/** The documented `.env`: what `docker compose` interpolates the compose file with. */
export const COMPOSE_ENV_FILE = '.env.example';

interface ComposeService {
  environment?: Record<string, string | number | boolean | null> | string[];
  env_file?: string | string[];
}

/** A compose file's services with their environments, interpolated as `docker compose` would. */
export interface ComposeDeployment {
  /** Service names, as keys of `services:`. */
  readonly services: readonly string[];
  /**
   * The environment compose gives a service's container: `env_file` entries, then `environment`,
   * every `${…}` interpolated from the env file. A variable listed without a value (taken from the
   * shell running compose) is left out.
   * @throws Error naming the variable when a `${VAR:?…}` or `${VAR?…}` is not set.
   */
  environmentOf(service: string): Record<string, string>;
}

/** `${NAME<modifier><word>}`, `$NAME` or `$$`, as compose's interpolation reads them. */
const REFERENCE = /\$(?:(\$)|\{([A-Za-z_]\w*)(?:(:?[-?+])([^}]*))?\}|([A-Za-z_]\w*))/g;

/**
 * Compose's variable interpolation (the Compose Specification, "Interpolation"): `${VAR}` and `$VAR`,
 * `${VAR:-default}` / `${VAR-default}` (unset or empty / unset), `${VAR:?error}` / `${VAR?error}`,
 * `${VAR:+replacement}` / `${VAR+replacement}`, and `$$` for a literal `$`.
 * @throws Error with compose's message when a required variable is missing.
 */
export function interpolateCompose(text: string, variables: Readonly<Record<string, string>>): string {
  return text.replace(
    REFERENCE,
    (_match, dollar?: string, braced?: string, modifier?: string, word = '', bare?: string) => {
      if (dollar !== undefined) return '$';
      const name = (braced ?? bare)!;
      const value = variables[name];
      const set = value !== undefined;
      const nonEmpty = set && value !== '';
      const inner = () => interpolateCompose(word, variables);
      switch (modifier) {
        case ':-':
          return nonEmpty ? value : inner();
        case '-':
          return set ? value : inner();
        case ':?':
        case '?':
          if (modifier === ':?' ? nonEmpty : set) return value!;
          throw new Error(`${name} is required by ${COMPOSE_FILE}: ${inner()}`);
        case ':+':
          return nonEmpty ? inner() : '';
        case '+':
          return set ? inner() : '';
        default:
          return value ?? '';
      }
    },
  );
}

/**
 * Reads docker-compose.yml (anchors and `<<` merge keys resolved) and the documented env file.
 * @throws Error saying which file is missing.
 */
export function readComposeDeployment(): ComposeDeployment {
  for (const file of [COMPOSE_FILE, COMPOSE_ENV_FILE]) {
    if (!existsSync(repositoryPath(file))) throw new Error(`${file} is missing at the repository root`);
  }
  const compose = parse(readFileSync(repositoryPath(COMPOSE_FILE), 'utf8'), { merge: true }) as {
    services?: Record<string, ComposeService>;
  };
  const services = compose.services ?? {};
  const variables = parseDotenv(readFileSync(repositoryPath(COMPOSE_ENV_FILE), 'utf8'));
  const interpolate = (text: string) => interpolateCompose(text, variables);
  return {
    services: Object.keys(services),
    environmentOf(service) {
      const definition = services[service];
      if (definition === undefined) throw new Error(`${COMPOSE_FILE} has no service ${service}`);
      const environment: Record<string, string> = {};
      const envFiles = [definition.env_file ?? []].flat();
      for (const file of envFiles) {
        const path = resolve(dirname(repositoryPath(COMPOSE_FILE)), interpolate(file));
        Object.assign(environment, parseDotenv(readFileSync(path, 'utf8')));
      }
      const entries: Array<[string, unknown]> = Array.isArray(definition.environment)
        ? definition.environment.map((entry) => {
            const equals = entry.indexOf('=');
            return equals < 0 ? [entry, null] : [entry.slice(0, equals), entry.slice(equals + 1)];
          })
        : Object.entries(definition.environment ?? {});
      for (const [name, value] of entries) {
        if (value === null || value === undefined) delete environment[name];
        else environment[name] = interpolate(String(value));
      }
      return environment;
    },
  };
}
