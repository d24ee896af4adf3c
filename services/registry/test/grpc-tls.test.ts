import { StatusCode } from '@switchboard/errors';
import { createGrpcClient } from '@switchboard/grpc';
import type { ClientTlsFiles, GrpcCallError } from '@switchboard/grpc';
import { createLogger } from '@switchboard/logging';
import { deleteNamespaceStreams } from '@switchboard/nats';
import { RegistryService } from '@switchboard/protocol';
import {
  createTestCertificates,
  createTestDatabase,
  createTestNamespace,
  testInfrastructure,
} from '@switchboard/testkit';
import type { TestCertificates, TestDatabase } from '@switchboard/testkit';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { start } from '../src/service.js';
import type { RunningRegistry } from '../src/service.js';
import { testRegistryConfig } from '../src/testing/registry-fixture.js';

const CALL = { timeoutMs: 3_000 };

/** ListModels over a fresh channel with `tls`; resolves to the number of models or the refusal. */
async function listWith(port: number, tls: ClientTlsFiles | undefined): Promise<number | GrpcCallError> {
  const client = createGrpcClient(RegistryService, `localhost:${port}`, tls === undefined ? {} : { tls });
  try {
    return (await client.listModels({}, CALL)).models.length;
  } catch (error) {
    return error as GrpcCallError;
  } finally {
    client.close();
  }
}

describe('registry gRPC TLS', () => {
  let certificates: TestCertificates;
  let database: TestDatabase;
  let namespace: string;
  let tlsRegistry: RunningRegistry;
  let mtlsRegistry: RunningRegistry;

  beforeAll(async () => {
    certificates = createTestCertificates();
    database = await createTestDatabase(testInfrastructure().databaseUrl, { label: 'grpctls' });
    namespace = createTestNamespace('grpctls');
    const logger = createLogger({ service: 'registry', level: 'silent' });
    const serverFiles = {
      GRPC_TLS_CERT_FILE: certificates.serverCertFile,
      GRPC_TLS_KEY_FILE: certificates.serverKeyFile,
    };
    tlsRegistry = await start(testRegistryConfig(database.url, namespace, serverFiles), logger);
    mtlsRegistry = await start(
      testRegistryConfig(database.url, namespace, {
        ...serverFiles,
        GRPC_TLS_CLIENT_CA_FILE: certificates.caFile,
      }),
      logger,
    );
  });

  afterAll(async () => {
    await tlsRegistry?.stop();
    await mtlsRegistry?.stop();
    const connection = await connect({ servers: testInfrastructure().natsUrl });
    await deleteNamespaceStreams(connection, namespace);
    await connection.close();
    await database?.drop();
    certificates?.remove();
  });

  it('answers a client that trusts its CA and refuses a plaintext client', async () => {
    expect(await listWith(tlsRegistry.port, { caFile: certificates.caFile })).toBe(0);
    expect(await listWith(tlsRegistry.port, undefined)).toMatchObject({ code: StatusCode.UNAVAILABLE });
  });

  it('is refused by a client that does not trust its CA', async () => {
    expect(await listWith(tlsRegistry.port, { caFile: certificates.strangerCertFile })).toMatchObject({
      code: StatusCode.UNAVAILABLE,
    });
  });

  it('with a client CA, answers only clients whose certificate that CA signed', async () => {
    const caFile = certificates.caFile;
    const signed = { caFile, certFile: certificates.clientCertFile, keyFile: certificates.clientKeyFile };
    const stranger = {
      caFile,
      certFile: certificates.strangerCertFile,
      keyFile: certificates.strangerKeyFile,
    };

    expect(await listWith(mtlsRegistry.port, signed)).toBe(0);
    expect(await listWith(mtlsRegistry.port, { caFile })).toMatchObject({ code: StatusCode.UNAVAILABLE });
    expect(await listWith(mtlsRegistry.port, stranger)).toMatchObject({ code: StatusCode.UNAVAILABLE });
  });
});
