import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** PEM files of a throwaway PKI: a CA, a server and a client certificate it signed, and a stranger. */
export interface TestCertificates {
  readonly directory: string;
  readonly caFile: string;
  /** For `localhost` and 127.0.0.1. */
  readonly serverCertFile: string;
  readonly serverKeyFile: string;
  readonly clientCertFile: string;
  readonly clientKeyFile: string;
  /** A client certificate signed by another CA, which a server trusting `caFile` must refuse. */
  readonly strangerCertFile: string;
  readonly strangerKeyFile: string;
  /** Deletes the directory. */
  remove(): void;
}

function openssl(directory: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: directory, stdio: 'pipe' });
}

function createCa(directory: string, name: string): void {
  openssl(
    directory,
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1'].concat([
      '-subj',
      `/CN=${name}`,
      '-keyout',
      `${name}-key.pem`,
      '-out',
      `${name}.pem`,
    ]),
  );
}

function createSigned(directory: string, name: string, ca: string, extensions: string): void {
  writeFileSync(join(directory, `${name}.ext`), extensions);
  openssl(
    directory,
    ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'].concat([
      '-subj',
      `/CN=${name}`,
      '-keyout',
      `${name}-key.pem`,
      '-out',
      `${name}.csr`,
    ]),
  );
  openssl(
    directory,
    ['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}-key.pem`].concat([
      '-CAcreateserial',
      '-days',
      '1',
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.pem`,
    ]),
  );
}

/**
 * Generates certificates with the `openssl` command into a fresh temporary directory (about 0.1 s).
 * @throws Error when openssl is not installed or fails.
 */
export function createTestCertificates(): TestCertificates {
  const directory = mkdtempSync(join(tmpdir(), 'switchboard-pki-'));
  try {
    createCa(directory, 'ca');
    createCa(directory, 'stranger-ca');
    createSigned(
      directory,
      'server',
      'ca',
      'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n',
    );
    createSigned(directory, 'client', 'ca', 'extendedKeyUsage=clientAuth\n');
    createSigned(directory, 'stranger', 'stranger-ca', 'extendedKeyUsage=clientAuth\n');
  } catch (error) {
    rmSync(directory, { recursive: true, force: true });
    throw error;
  }
  const file = (name: string) => join(directory, name);
  return {
    directory,
    caFile: file('ca.pem'),
    serverCertFile: file('server.pem'),
    serverKeyFile: file('server-key.pem'),
    clientCertFile: file('client.pem'),
    clientKeyFile: file('client-key.pem'),
    strangerCertFile: file('stranger.pem'),
    strangerKeyFile: file('stranger-key.pem'),
    remove: () => rmSync(directory, { recursive: true, force: true }),
  };
}
