import type { DescMethod } from '@bufbuild/protobuf';
import { status as GrpcStatus } from '@grpc/grpc-js';
import type { Metadata } from '@grpc/grpc-js';
import { SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import type { Span, TextMapGetter } from '@opentelemetry/api';
import { SPAN_ATTRIBUTES } from '@switchboard/tracing';
import type { GrpcStatusObject } from './to-grpc-status.js';

const tracer = trace.getTracer('@switchboard/grpc');

/**
 * The codes that mean the server failed, which the RPC conventions mark as span errors. The
 * others (INVALID_ARGUMENT, NOT_FOUND, …) are the caller's mistakes and leave the span status unset.
 */
const SERVER_ERROR_CODES: ReadonlySet<number> = new Set([
  GrpcStatus.UNKNOWN,
  GrpcStatus.DEADLINE_EXCEEDED,
  GrpcStatus.UNIMPLEMENTED,
  GrpcStatus.INTERNAL,
  GrpcStatus.UNAVAILABLE,
  GrpcStatus.DATA_LOSS,
]);

const metadataGetter: TextMapGetter<Metadata> = {
  keys: (metadata) => Object.keys(metadata.getMap()),
  get: (metadata, key) => {
    const values = metadata.get(key).filter((value): value is string => typeof value === 'string');
    return values.length === 0 ? undefined : values;
  },
};

/**
 * Runs `run` inside a SERVER span named `<package.Service>/<Method>` (e.g.
 * `inference.GRPCInferenceService/ModelInfer`) that continues the caller's W3C `traceparent`
 * metadata when there is one. The span is active while `run` and the callbacks it registers execute,
 * so handlers can add attributes and log lines carry its ids; `run` must end it with
 * {@link endServerSpan}.
 */
export function runInServerSpan(method: DescMethod, metadata: Metadata, run: (span: Span) => void): void {
  const parent = propagation.extract(context.active(), metadata, metadataGetter);
  const span = tracer.startSpan(
    `${method.parent.typeName}/${method.name}`,
    {
      kind: SpanKind.SERVER,
      attributes: {
        [SPAN_ATTRIBUTES.rpcSystem]: 'grpc',
        [SPAN_ATTRIBUTES.rpcService]: method.parent.typeName,
        [SPAN_ATTRIBUTES.rpcMethod]: method.name,
      },
    },
    parent,
  );
  context.with(trace.setSpan(parent, span), run, undefined, span);
}

/** Records the call's gRPC status (and the exception, when it failed) and ends the span. */
export function endServerSpan(span: Span, status: GrpcStatusObject | undefined, error?: unknown): void {
  span.setAttribute(SPAN_ATTRIBUTES.rpcGrpcStatusCode, status?.code ?? GrpcStatus.OK);
  if (error !== undefined) span.recordException(error instanceof Error ? error : String(error));
  if (status !== undefined && SERVER_ERROR_CODES.has(status.code)) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: status.details });
  }
  span.end();
}
