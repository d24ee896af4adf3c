import { randomBytes, randomUUID } from 'node:crypto';
import { create, toBinary } from '@bufbuild/protobuf';
import { jetstream } from '@nats-io/jetstream';
import { connect, createInbox, headers } from '@nats-io/transport-node';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { createLogger } from '@switchboard/logging';
import { classifierSpec, toRawFloat32 } from '@switchboard/models/testing';
import { BatchingMode, BatchingSpecSchema, JobSchema, ModelInferRequestSchema } from '@switchboard/protocol';
import { testInfrastructure, waitFor } from '@switchboard/testkit';
import { startInMemoryTracing } from '@switchboard/tracing/testing';
import type { InMemoryTracing, ReadableSpan } from '@switchboard/tracing/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestSystem } from './support/test-system.js';
import type { TestSystem } from './support/test-system.js';

const MODEL = 'classifier-small';
const SERVER_SPAN = 'inference.GRPCInferenceService/ModelInfer';
const INFER_REQUEST = {
  model_name: MODEL,
  inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 4] }],
  raw_input_contents: [toRawFloat32([0.3, -1.2, 0.8, 0.05])],
};

interface LogLine {
  msg: string;
  trace_id?: string;
  span_id?: string;
}

/** The spans of one request, found by name once the worker's batch span has ended too. */
async function spansOfOneRequest(tracing: InMemoryTracing) {
  const named = (name: string) => tracing.exporter.getFinishedSpans().filter((span) => span.name === name);
  await waitFor(() => named(`batch execute ${MODEL}`).length > 0, {
    timeoutMs: 5_000,
    message: 'the worker never ended a batch span',
  });
  const only = (name: string): ReadableSpan => {
    const spans = named(name);
    expect(spans, name).toHaveLength(1);
    return spans[0]!;
  };
  return {
    server: only(SERVER_SPAN),
    publish: only(`infer.${MODEL} publish`),
    process: only(`infer.${MODEL} process`),
    batch: only(`batch execute ${MODEL}`),
  };
}

const randomTraceparent = () => `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;

/**
 * Queues a job the way a producer other than the router might, with the trace context in the
 * `traceparent` header and/or in Job.traceparent, and waits for the worker's answer.
 * @returns the job's request id.
 */
async function queueJob(
  system: TestSystem,
  traceparent: { header?: string; field: string },
): Promise<string> {
  const nats = await connect({ servers: testInfrastructure().natsUrl });
  try {
    const replyTo = createInbox();
    const answered = new Promise<void>((resolve) =>
      nats.subscribe(replyTo, { max: 1, callback: () => resolve() }),
    );
    const request = create(ModelInferRequestSchema, {
      modelName: MODEL,
      inputs: [{ name: 'features', datatype: 'FP32', shape: [1n, 4n] }],
      rawInputContents: INFER_REQUEST.raw_input_contents,
    });
    const job = create(JobSchema, {
      requestId: randomUUID(),
      model: MODEL,
      version: classifierSpec(MODEL).version,
      request: toBinary(ModelInferRequestSchema, request),
      deadlineUnixMs: BigInt(Date.now() + 10_000),
      enqueuedUnixMs: BigInt(Date.now()),
      replyTo,
      priority: 2,
      traceparent: traceparent.field,
    });
    const messageHeaders = headers();
    if (traceparent.header !== undefined) messageHeaders.set('traceparent', traceparent.header);
    await jetstream(nats).publish(system.names.inferSubject(MODEL, 2), toBinary(JobSchema, job), {
      msgID: job.requestId,
      headers: messageHeaders,
    });
    await answered;
    return job.requestId;
  } finally {
    await nats.close();
  }
}

/** The span ids from `span` up to its trace's root, following parents among the finished spans. */
function ancestorIds(tracing: InMemoryTracing, span: ReadableSpan): string[] {
  const byId = new Map(tracing.exporter.getFinishedSpans().map((each) => [each.spanContext().spanId, each]));
  const ids: string[] = [];
  for (let parentId = span.parentSpanContext?.spanId; parentId !== undefined;) {
    ids.push(parentId);
    parentId = byId.get(parentId)?.parentSpanContext?.spanId;
  }
  return ids;
}

describe('tracing across the router, JetStream and the worker', () => {
  let tracing: InMemoryTracing;
  let system: TestSystem;
  let workerId: string;
  const logLines: LogLine[] = [];

  beforeAll(async () => {
    tracing = startInMemoryTracing();
    const logger = createLogger({
      service: 'test',
      level: 'debug',
      destination: { write: (line: string) => void logLines.push(JSON.parse(line) as LogLine) },
    });
    system = await startTestSystem('tracing', {}, logger);
    // A short batching window, so the job goes through the batcher as production jobs do.
    const batching = create(BatchingSpecSchema, {
      mode: BatchingMode.DYNAMIC,
      maxBatchSize: 4,
      maxQueueDelayUs: 2_000,
    });
    await system.registry.registerModel({ model: { ...classifierSpec(MODEL), batching } });
    workerId = (await system.startWorker([MODEL])).workerId;
    await system.waitUntilReady(MODEL);
  });

  afterAll(async () => {
    await system?.stop();
    await tracing?.shutdown();
  });

  beforeEach(() => {
    tracing.exporter.reset();
    logLines.length = 0;
  });

  it('makes the router SERVER span the root of a trace that the worker process span descends from', async () => {
    await system.oip.call('ModelInfer', INFER_REQUEST);
    const { server, publish, process } = await spansOfOneRequest(tracing);
    const traceId = server.spanContext().traceId;

    expect(server.kind).toBe(SpanKind.SERVER);
    expect(server.parentSpanContext).toBeUndefined();
    expect(server.attributes).toMatchObject({
      'rpc.system': 'grpc',
      'rpc.service': 'inference.GRPCInferenceService',
      'rpc.method': 'ModelInfer',
      'rpc.grpc.status_code': 0,
      'switchboard.model': MODEL,
      'switchboard.route': '',
    });
    expect(publish.kind).toBe(SpanKind.PRODUCER);
    expect(publish.parentSpanContext?.spanId).toBe(server.spanContext().spanId);
    expect(publish.attributes['messaging.message.id']).toBe(server.attributes['switchboard.request_id']);
    expect(process.kind).toBe(SpanKind.CONSUMER);
    expect(process.spanContext().traceId).toBe(traceId);
    expect(ancestorIds(tracing, process)).toContain(server.spanContext().spanId);
    expect(process.attributes).toMatchObject({ 'switchboard.model': MODEL, 'switchboard.worker': workerId });
  });

  it('links the batch span to the process span of every job it ran instead of parenting it', async () => {
    await system.oip.call('ModelInfer', INFER_REQUEST);
    const { process, batch } = await spansOfOneRequest(tracing);

    expect(batch.kind).toBe(SpanKind.INTERNAL);
    expect(batch.parentSpanContext).toBeUndefined();
    expect(batch.links.map((link) => link.context)).toContainEqual(process.spanContext());
    expect(batch.attributes).toMatchObject({
      'switchboard.batch_size': 1,
      'switchboard.model': MODEL,
      'switchboard.worker': workerId,
    });
  });

  it('continues the trace of a client that sends a traceparent header', async () => {
    const clientTraceId = randomBytes(16).toString('hex');
    const clientSpanId = randomBytes(8).toString('hex');
    await system.oip.call('ModelInfer', INFER_REQUEST, {
      metadata: { traceparent: `00-${clientTraceId}-${clientSpanId}-01` },
    });
    const { server, process } = await spansOfOneRequest(tracing);

    expect(server.spanContext().traceId).toBe(clientTraceId);
    expect(server.parentSpanContext?.spanId).toBe(clientSpanId);
    expect(process.spanContext().traceId).toBe(clientTraceId);
  });

  it('stamps the server span ids on the log lines written while the request is served', async () => {
    await system.oip.call('ModelInfer', INFER_REQUEST);
    const { server } = await spansOfOneRequest(tracing);
    const answered = logLines.filter((line) => line.msg === 'request answered');

    expect(answered).toHaveLength(1);
    expect(answered[0]).toMatchObject({
      trace_id: server.spanContext().traceId,
      span_id: server.spanContext().spanId,
    });
  });

  it('parents the worker process span on the message headers, and on Job.traceparent when they carry none', async () => {
    const header = randomTraceparent();
    const withHeader = await queueJob(system, { header, field: randomTraceparent() });
    const field = randomTraceparent();
    const withoutHeader = await queueJob(system, { field });
    const processSpanOf = (requestId: string) =>
      tracing.exporter
        .getFinishedSpans()
        .find(
          (span) =>
            span.name === `infer.${MODEL} process` && span.attributes['switchboard.request_id'] === requestId,
        );
    const parentOf = (requestId: string) => {
      const span = processSpanOf(requestId);
      return `00-${span?.spanContext().traceId}-${span?.parentSpanContext?.spanId}-01`;
    };

    expect(parentOf(withHeader)).toBe(header);
    expect(parentOf(withoutHeader)).toBe(field);
  });

  it('records the gRPC status and the exception of a refused call on its server span', async () => {
    await expect(
      system.oip.call('ModelInfer', { ...INFER_REQUEST, model_name: 'no-such-model' }),
    ).rejects.toThrow(/NOT_FOUND|no model or route/);
    const server = tracing.exporter.getFinishedSpans().find((span) => span.name === SERVER_SPAN);

    expect(server?.attributes['rpc.grpc.status_code']).toBe(5);
    expect(server?.events.map((event) => event.name)).toContain('exception');
    // A caller's mistake is not a server error in the RPC conventions.
    expect(server?.status.code).toBe(SpanStatusCode.UNSET);
  });
});
