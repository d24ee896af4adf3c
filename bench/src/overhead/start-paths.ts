import { fileURLToPath } from 'node:url';
import type { NatsConnection } from '@nats-io/transport-node';
import { findFreePort } from '@switchboard/local-infra';
import type { CleanupStack } from '../shared/cleanup-stack.js';
import { startNodeChild } from '../shared/node-child.js';
import { startSwitchboardStack } from '../shared/start-switchboard-stack.js';
import type { WatchedProcess } from '../shared/cpu-usage.js';
import type { BenchPath } from './measure-paths.js';
import { createOipClient } from './oip-client.js';
import type { OipClient } from './oip-client.js';
import type { OipServerReady } from './oip-server-child.js';
import { createInferRequest, loadInferenceService, MODEL_NAME } from './oip-proto.js';
import { provisionNoopModel } from './provision-noop-model.js';
import { createRestInferClient } from './rest-infer-client.js';

/** Same per-request bound as the gRPC client's deadline. */
const NATS_REQUEST_TIMEOUT_MS = 10_000;

function childScript(name: string): string {
  return fileURLToPath(new URL(`./${name}.js`, import.meta.url));
}

/** Sends one request and checks the answer, so a misconfigured path fails before it is measured. */
async function checkInferPath(client: OipClient, path: string): Promise<void> {
  const response = await client.infer();
  if (response.outputs?.[0]?.name !== 'probabilities' || response.rawOutputContents?.[0]?.byteLength !== 12) {
    throw new Error(`${path} answered ModelInfer without the 1×3 FP32 "probabilities" output`);
  }
}

/** A path served over OIP gRPC at `address` by `processes`. */
interface InferTarget {
  readonly key: string;
  readonly label: string;
  readonly address: string;
  readonly processes: readonly WatchedProcess[];
}

/** The gRPC client both (a) and (c) use, as a path. */
async function createInferPath(target: InferTarget, cleanup: CleanupStack): Promise<BenchPath> {
  const client = createOipClient(target.address);
  cleanup.add(`(${target.key}) client`, async () => client.close());
  await checkInferPath(client, target.label);
  return { key: target.key, label: target.label, processes: target.processes, send: () => client.infer() };
}

/** Path (a): the minimal single-model OIP server in its own process. */
export async function startGrpcServerPath(cleanup: CleanupStack): Promise<BenchPath> {
  const server = startNodeChild('oip-server', childScript('oip-server-child'), { ipc: true });
  cleanup.add('(a) OIP server process', () => server.stop());
  const { port } = (await server.firstMessage) as OipServerReady;
  const address = `127.0.0.1:${port}`;
  const processes = [{ name: 'server', pid: server.pid }];
  return createInferPath({ key: 'a', label: 'grpc-js OIP server', address, processes }, cleanup);
}

/** Where path (b) sends its requests: this process's connection to the server at `natsUrl`. */
export interface NatsPathOptions {
  readonly connection: NatsConnection;
  readonly natsUrl: string;
  readonly subject: string;
}

/** Path (b): NATS core request-reply to a responder process, requests from this process. */
export async function startNatsPath(options: NatsPathOptions, cleanup: CleanupStack): Promise<BenchPath> {
  const { connection, natsUrl, subject } = options;
  const responder = startNodeChild('nats-responder', childScript('nats-responder-child'), {
    ipc: true,
    environment: { BENCH_NATS_URL: natsUrl, BENCH_SUBJECT: subject },
  });
  cleanup.add('(b) NATS responder process', () => responder.stop());
  await responder.firstMessage;
  // The payload is the encoded ModelInfer request, so (b) moves the same bytes as (a) and (c).
  const payload = loadInferenceService().ModelInfer.requestSerialize(createInferRequest());
  const send = () => connection.request(subject, payload, { timeout: NATS_REQUEST_TIMEOUT_MS });
  await send();
  const processes = [{ name: 'responder', pid: responder.pid }];
  return { key: 'b', label: 'NATS core request-reply', send, processes };
}

/** Where paths (c) and (d) run: NATS, Postgres and this run's namespace. */
export interface SwitchboardPathOptions {
  readonly natsUrl: string;
  readonly databaseUrl: string;
  readonly namespace: string;
}

/** A started Switchboard serving `noop`: its two doors and the processes behind them. */
export interface SwitchboardDoors {
  /** The router's OIP gRPC address, 127.0.0.1:port. */
  readonly grpcAddress: string;
  /** The port of the router's KServe v2 HTTP/REST door on 127.0.0.1. */
  readonly httpPort: number;
  readonly processes: readonly WatchedProcess[];
}

/** Starts registry, router and one worker serving `noop`, the router's HTTP door on a free port. */
export async function startSwitchboard(
  options: SwitchboardPathOptions,
  cleanup: CleanupStack,
): Promise<SwitchboardDoors> {
  const httpPort = await findFreePort();
  const { routerAddress, processes } = await startSwitchboardStack(
    {
      ...options,
      workers: [[MODEL_NAME]],
      provision: provisionNoopModel,
      readyNames: [MODEL_NAME],
      routerEnvironment: { ROUTER_HTTP_PORT: String(httpPort) },
    },
    cleanup,
  );
  return { grpcAddress: routerAddress, httpPort, processes };
}

/** Path (c): router → JetStream → worker → router over gRPC, each service in its own process. */
export async function startSwitchboardPath(
  doors: SwitchboardDoors,
  cleanup: CleanupStack,
): Promise<BenchPath> {
  const { grpcAddress: address, processes } = doors;
  return createInferPath({ key: 'c', label: 'Switchboard full path', address, processes }, cleanup);
}

/** Path (d): the same Switchboard called through its KServe v2 HTTP/REST door with a JSON body. */
export async function startRestPath(doors: SwitchboardDoors, cleanup: CleanupStack): Promise<BenchPath> {
  const client = createRestInferClient('127.0.0.1', doors.httpPort);
  cleanup.add('(d) client', async () => client.close());
  const response = await client.infer();
  if (response.outputs?.[0]?.name !== 'probabilities' || response.outputs[0].data?.length !== 3) {
    throw new Error('the HTTP/REST door answered infer without the 1×3 FP32 "probabilities" output');
  }
  return { key: 'd', label: 'Switchboard HTTP/REST', processes: doors.processes, send: () => client.infer() };
}
