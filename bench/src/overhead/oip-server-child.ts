/**
 * Child process of path (a): a minimal single-model OIP server. grpc-js serves
 * inference.GRPCInferenceService loaded with proto-loader and answers ModelInfer in-process with a
 * fixed output, which is all a single-model server does around its model. Reports its port over IPC.
 */
import { Server, ServerCredentials } from '@grpc/grpc-js';
import type { sendUnaryData, ServerUnaryCall, UntypedServiceImplementation } from '@grpc/grpc-js';
import { createInferResponse, loadInferenceService } from './oip-proto.js';

/** Message sent to the parent once the server listens. */
export interface OipServerReady {
  readonly port: number;
}

function answerWith(response: object) {
  return (_call: ServerUnaryCall<object, object>, callback: sendUnaryData<object>) =>
    callback(null, response);
}

const inferResponse = createInferResponse();
const implementation: UntypedServiceImplementation = {
  ServerLive: answerWith({ live: true }),
  ServerReady: answerWith({ ready: true }),
  ModelReady: answerWith({ ready: true }),
  ModelInfer: answerWith(inferResponse),
};

const server = new Server();
server.addService(loadInferenceService(), implementation);
server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, port) => {
  if (error !== null) {
    process.stderr.write(`cannot bind: ${error.message}\n`);
    process.exit(1);
  }
  const ready: OipServerReady = { port };
  process.send?.(ready);
});

process.once('SIGTERM', () => server.tryShutdown(() => process.exit(0)));
// The parent may go away without a signal (killed hard); without IPC there is nobody to serve.
process.once('disconnect', () => server.forceShutdown());
