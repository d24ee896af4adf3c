// The HEALTHCHECK of Switchboard's images, with nothing but Node.js (no grpcurl or curl in them):
//   node health-probe.mjs grpc 127.0.0.1:8001       grpc.health.v1.Health/Check of the whole server
//   node health-probe.mjs http 127.0.0.1:9403/metrics  an HTTP GET answered 200
// Exits 0 when healthy, 1 otherwise, printing why.
import { Buffer } from 'node:buffer';
import { get } from 'node:http';
import { connect } from 'node:http2';
import process from 'node:process';
import { setTimeout } from 'node:timers';

const TIMEOUT_MS = 2_500;
/** grpc.health.v1.HealthCheckResponse { status: SERVING }: field 1, varint 1. */
const SERVING = Buffer.from([0x08, 0x01]);

function fail(reason) {
  process.stderr.write(`unhealthy: ${reason}\n`);
  process.exit(1);
}

/**
 * A unary gRPC call over HTTP/2 cleartext: the request is an empty HealthCheckRequest (service ""),
 * framed as one uncompressed message; the answer must have grpc-status 0 and say SERVING.
 */
function checkGrpc(address) {
  const session = connect(`http://${address}`);
  session.on('error', (error) => fail(`${address}: ${error.message}`));
  const stream = session.request({
    ':method': 'POST',
    ':path': '/grpc.health.v1.Health/Check',
    'content-type': 'application/grpc',
    te: 'trailers',
  });
  const chunks = [];
  let status;
  stream.on('response', (headers) => (status ??= headers['grpc-status']));
  stream.on('trailers', (trailers) => (status ??= trailers['grpc-status']));
  stream.on('data', (chunk) => chunks.push(chunk));
  stream.on('error', (error) => fail(`${address}: ${error.message}`));
  stream.on('end', () => {
    session.close();
    const body = Buffer.concat(chunks);
    if (status !== '0') fail(`${address}: grpc-status ${status ?? 'missing'}`);
    // 5-byte frame header (compressed flag, length), then the message.
    const message = body.subarray(5);
    if (!message.equals(SERVING)) fail(`${address}: not SERVING (${message.toString('hex')})`);
    process.exit(0);
  });
  stream.end(Buffer.alloc(5));
}

function checkHttp(target) {
  const request = get(`http://${target}`, (response) => {
    response.resume();
    if (response.statusCode === 200) process.exit(0);
    fail(`${target}: HTTP ${response.statusCode}`);
  });
  request.on('error', (error) => fail(`${target}: ${error.message}`));
}

const [kind, target] = process.argv.slice(2);
setTimeout(() => fail(`${target}: no answer within ${TIMEOUT_MS} ms`), TIMEOUT_MS).unref();
if (kind === 'grpc' && target) checkGrpc(target);
else if (kind === 'http' && target) checkHttp(target);
else fail('usage: health-probe.mjs grpc <host:port> | http <host:port/path>');
