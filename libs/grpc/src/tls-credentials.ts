import { readFileSync } from 'node:fs';
import { credentials, ServerCredentials } from '@grpc/grpc-js';
import type { ChannelCredentials } from '@grpc/grpc-js';

/** A server's TLS files (PEM); with `clientCaFile` clients must present a certificate it signed (mTLS). */
export interface ServerTlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
  readonly clientCaFile?: string;
}

/**
 * What a client trusts and presents (PEM files): `caFile` (else the system's CAs) and an optional
 * client certificate for servers that require one.
 */
export interface ClientTlsFiles {
  readonly caFile?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
}

function read(path: string | undefined): Buffer | null {
  return path === undefined ? null : readFileSync(path);
}

/**
 * Plaintext without `tls`; otherwise TLS with the given certificate, and client certificates
 * required and checked against `clientCaFile` when it is given.
 * @throws Error from the file system when a file cannot be read.
 */
export function toServerCredentials(tls: ServerTlsFiles | undefined): ServerCredentials {
  if (tls === undefined) return ServerCredentials.createInsecure();
  const clientCa = read(tls.clientCaFile);
  return ServerCredentials.createSsl(
    clientCa,
    [{ cert_chain: readFileSync(tls.certFile), private_key: readFileSync(tls.keyFile) }],
    clientCa !== null,
  );
}

/**
 * Plaintext without `tls`; otherwise TLS trusting `caFile` and presenting the client certificate
 * when one is given. @throws Error from the file system when a file cannot be read.
 */
export function toChannelCredentials(tls: ClientTlsFiles | undefined): ChannelCredentials {
  if (tls === undefined) return credentials.createInsecure();
  return credentials.createSsl(read(tls.caFile), read(tls.keyFile), read(tls.certFile));
}
