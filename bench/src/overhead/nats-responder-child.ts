/**
 * Child process of path (b): a bare NATS core responder that answers every request on its subject
 * at once with a fixed payload. Subject and server come from BENCH_NATS_URL and BENCH_SUBJECT.
 */
import { connect } from '@nats-io/transport-node';
import { createInferResponse, loadInferenceService } from './oip-proto.js';

/** The same bytes (a) sends back, so payload size is not what differs between the paths. */
const REPLY = loadInferenceService().ModelInfer.responseSerialize(createInferResponse());

const url = process.env['BENCH_NATS_URL'];
const subject = process.env['BENCH_SUBJECT'];
if (url === undefined || subject === undefined) {
  process.stderr.write('BENCH_NATS_URL and BENCH_SUBJECT are required\n');
  process.exit(2);
}

const connection = await connect({ servers: url, name: 'bench-responder' });
connection.subscribe(subject, {
  callback: (_error, message) => {
    message.respond(REPLY);
  },
});
// flush() makes sure the server has the subscription before the parent sends its first request.
await connection.flush();
process.send?.({ ready: true });

const stop = () => {
  connection.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGTERM', stop);
process.once('disconnect', stop);
