import { trace } from '@opentelemetry/api';
import { SPAN_ATTRIBUTES } from '@switchboard/tracing';
import type { RequestRecordInit } from './request-telemetry.js';

/**
 * Names what the active ModelInfer SERVER span (started by @switchboard/grpc) served: the concrete
 * model and version, the route it came through and the request id that also names its job, its
 * logs and its telemetry record. Cheap when tracing is off: the span is then non-recording.
 */
export function annotateRequestSpan(record: RequestRecordInit): void {
  const span = trace.getActiveSpan();
  if (span === undefined || !span.isRecording()) return;
  span.setAttributes({
    [SPAN_ATTRIBUTES.model]: record.model ?? '',
    [SPAN_ATTRIBUTES.version]: record.version ?? '',
    [SPAN_ATTRIBUTES.route]: record.route ?? '',
    [SPAN_ATTRIBUTES.requestId]: record.requestId ?? '',
  });
}
