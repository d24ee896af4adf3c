import { z } from 'zod';
import { envOptionalInt, envOptionalString } from './env-readers.js';
import { ConfigError, secretVariable, variable } from './parse-config.js';

/** Shortest admin token accepted: shorter ones are guessable. */
const MIN_ADMIN_TOKEN_LENGTH = 16;

/**
 * `SWITCHBOARD_ADMIN_TOKEN`: the admin credential. When set, the registry's, optimizer's and
 * resource manager's admin calls require `authorization: Bearer <token>`, and the services that
 * call them (optimizer → registry, the CLI) send it. Unset: admin auth is off.
 * @default unset (off)
 */
export const adminTokenVariable = {
  SWITCHBOARD_ADMIN_TOKEN: secretVariable(
    z.preprocess(
      (value) => (value === '' ? undefined : value),
      z
        .string()
        .min(MIN_ADMIN_TOKEN_LENGTH, `use at least ${MIN_ADMIN_TOKEN_LENGTH} characters`)
        .regex(/^[\x21-\x7e]+$/, 'use printable ASCII without spaces (it travels in gRPC metadata)')
        .optional(),
    ),
    '$(openssl rand -base64 32)',
  ),
};

/**
 * The NATS connection's credentials and TLS: `NATS_USER` + `NATS_PASSWORD`, or `NATS_CREDS_FILE`
 * (a JWT/nkey .creds file); `NATS_TLS_CA_FILE` (trust), `NATS_TLS_CERT_FILE` + `NATS_TLS_KEY_FILE`
 * (a client certificate). All unset by default: an anonymous, plain connection.
 */
export const natsSecurityVariables = {
  NATS_USER: variable(envOptionalString(), 'worker'),
  NATS_PASSWORD: secretVariable(envOptionalString(), 'a-long-random-password'),
  NATS_CREDS_FILE: variable(envOptionalString(), '/etc/switchboard/worker.creds'),
  NATS_TLS_CA_FILE: variable(envOptionalString(), '/etc/switchboard/ca.pem'),
  NATS_TLS_CERT_FILE: variable(envOptionalString(), '/etc/switchboard/nats-client.pem'),
  NATS_TLS_KEY_FILE: variable(envOptionalString(), '/etc/switchboard/nats-client-key.pem'),
};

/**
 * TLS of the gRPC ports. Server side: `GRPC_TLS_CERT_FILE` + `GRPC_TLS_KEY_FILE` turn TLS on;
 * `GRPC_TLS_CLIENT_CA_FILE` also requires client certificates signed by that CA (mTLS). Client side
 * (calls this service makes, e.g. optimizer → registry): `GRPC_TLS_CA_FILE` trusts that CA, and
 * `GRPC_TLS_CLIENT_CERT_FILE` + `GRPC_TLS_CLIENT_KEY_FILE` present a client certificate.
 * All unset by default: plaintext.
 */
export const grpcTlsVariables = {
  GRPC_TLS_CERT_FILE: variable(envOptionalString(), '/etc/switchboard/server.pem'),
  GRPC_TLS_KEY_FILE: variable(envOptionalString(), '/etc/switchboard/server-key.pem'),
  GRPC_TLS_CLIENT_CA_FILE: variable(envOptionalString(), '/etc/switchboard/clients-ca.pem'),
  GRPC_TLS_CA_FILE: variable(envOptionalString(), '/etc/switchboard/ca.pem'),
  GRPC_TLS_CLIENT_CERT_FILE: variable(envOptionalString(), '/etc/switchboard/client.pem'),
  GRPC_TLS_CLIENT_KEY_FILE: variable(envOptionalString(), '/etc/switchboard/client-key.pem'),
  // Kubernetes' `grpc:` probe speaks plaintext only: beside a TLS port, health needs its own.
  GRPC_HEALTH_PORT: variable(envOptionalInt({ min: 1, max: 65_535 }), '8081'),
};

/** TLS of a NATS connection: files read when connecting. */
export interface NatsTlsSettings {
  readonly caFile?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
}

/** How to reach and log in to NATS. */
export interface NatsSettings {
  readonly url: string;
  readonly user?: string;
  readonly password?: string;
  readonly credsFile?: string;
  /** Undefined for a plain connection (unless the URL is `tls://`, which uses the system's CAs). */
  readonly tls?: NatsTlsSettings;
}

/** gRPC TLS files; an absent server pair means plaintext. */
export interface GrpcTlsSettings {
  /** The server's certificate chain and key (PEM files). */
  readonly server?: { readonly certFile: string; readonly keyFile: string; readonly clientCaFile?: string };
  /** What this process's gRPC clients trust and present. */
  readonly client?: { readonly caFile?: string; readonly certFile?: string; readonly keyFile?: string };
  /**
   * A plaintext port serving grpc.health.v1 only (the same statuses as the main port), for probes
   * that cannot speak TLS (`GRPC_HEALTH_PORT`); unset for none.
   */
  readonly healthPort?: number;
}

type Values<S> = { readonly [K in keyof S]: S[K] extends { schema: z.ZodType<infer T> } ? T : never };

function pair(problems: string[], names: [string, string], values: [unknown, unknown]): void {
  if ((values[0] === undefined) !== (values[1] === undefined)) {
    problems.push(`${names[0]} and ${names[1]} go together: set both or neither`);
  }
}

/**
 * The NATS settings from parsed {@link natsSecurityVariables} and the URL.
 * @throws ConfigError when a user comes without a password (or the reverse), a creds file comes with
 * a user, or a client certificate without its key.
 */
export function readNatsSettings(url: string, values: Values<typeof natsSecurityVariables>): NatsSettings {
  const problems: string[] = [];
  pair(problems, ['NATS_USER', 'NATS_PASSWORD'], [values.NATS_USER, values.NATS_PASSWORD]);
  pair(
    problems,
    ['NATS_TLS_CERT_FILE', 'NATS_TLS_KEY_FILE'],
    [values.NATS_TLS_CERT_FILE, values.NATS_TLS_KEY_FILE],
  );
  if (values.NATS_CREDS_FILE !== undefined && values.NATS_USER !== undefined) {
    problems.push('NATS_CREDS_FILE and NATS_USER contradict each other: log in with one of them');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const tlsFiles = {
    caFile: values.NATS_TLS_CA_FILE,
    certFile: values.NATS_TLS_CERT_FILE,
    keyFile: values.NATS_TLS_KEY_FILE,
  };
  const tls = Object.values(tlsFiles).some((file) => file !== undefined)
    ? withoutUndefined(tlsFiles)
    : undefined;
  return withoutUndefined({
    url,
    user: values.NATS_USER,
    password: values.NATS_PASSWORD,
    credsFile: values.NATS_CREDS_FILE,
    tls,
  }) as NatsSettings;
}

/**
 * The gRPC TLS settings from parsed {@link grpcTlsVariables}.
 * @throws ConfigError when a certificate comes without its key, or a client CA without a server certificate.
 */
export function readGrpcTlsSettings(values: Values<typeof grpcTlsVariables>): GrpcTlsSettings {
  const problems: string[] = [];
  pair(
    problems,
    ['GRPC_TLS_CERT_FILE', 'GRPC_TLS_KEY_FILE'],
    [values.GRPC_TLS_CERT_FILE, values.GRPC_TLS_KEY_FILE],
  );
  pair(
    problems,
    ['GRPC_TLS_CLIENT_CERT_FILE', 'GRPC_TLS_CLIENT_KEY_FILE'],
    [values.GRPC_TLS_CLIENT_CERT_FILE, values.GRPC_TLS_CLIENT_KEY_FILE],
  );
  const serverPairMissing = values.GRPC_TLS_CERT_FILE === undefined || values.GRPC_TLS_KEY_FILE === undefined;
  if (values.GRPC_TLS_CLIENT_CA_FILE !== undefined && serverPairMissing) {
    problems.push(
      'GRPC_TLS_CLIENT_CA_FILE needs GRPC_TLS_CERT_FILE and GRPC_TLS_KEY_FILE: client certificates need TLS',
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const server =
    values.GRPC_TLS_CERT_FILE === undefined || values.GRPC_TLS_KEY_FILE === undefined
      ? undefined
      : withoutUndefined({
          certFile: values.GRPC_TLS_CERT_FILE,
          keyFile: values.GRPC_TLS_KEY_FILE,
          clientCaFile: values.GRPC_TLS_CLIENT_CA_FILE,
        });
  const clientFiles = {
    caFile: values.GRPC_TLS_CA_FILE,
    certFile: values.GRPC_TLS_CLIENT_CERT_FILE,
    keyFile: values.GRPC_TLS_CLIENT_KEY_FILE,
  };
  const client = Object.values(clientFiles).some((file) => file !== undefined)
    ? withoutUndefined(clientFiles)
    : undefined;
  return withoutUndefined({ server, client, healthPort: values.GRPC_HEALTH_PORT }) as GrpcTlsSettings;
}

function withoutUndefined<T extends Record<string, unknown>>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as T;
}
