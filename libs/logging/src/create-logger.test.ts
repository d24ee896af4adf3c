import { startInMemoryTracing } from '@switchboard/tracing/testing';
import type { InMemoryTracing } from '@switchboard/tracing/testing';
import { trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from './create-logger.js';

function capturedLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({
    service: 'test',
    destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
  });
  return { logger, lines };
}

describe('createLogger', () => {
  let tracing: InMemoryTracing;

  beforeAll(() => {
    tracing = startInMemoryTracing();
  });

  afterAll(async () => {
    await tracing.shutdown();
  });

  it('stamps the active span ids on every line, child loggers included', () => {
    const { logger, lines } = capturedLogger();
    const { traceId, spanId } = trace.getTracer('test').startActiveSpan('operation', (span) => {
      logger.child({ component: 'batcher' }).info({ requestId: 'r1' }, 'inside');
      span.end();
      return span.spanContext();
    });

    expect(lines[0]).toMatchObject({
      msg: 'inside',
      requestId: 'r1',
      component: 'batcher',
      trace_id: traceId,
      span_id: spanId,
      trace_flags: '01',
    });
  });

  it('writes no trace fields outside a span, and none left over from an earlier line', () => {
    const { logger, lines } = capturedLogger();
    trace.getTracer('test').startActiveSpan('operation', (span) => {
      logger.info('inside');
      span.end();
    });
    logger.info({ requestId: 'r2' }, 'outside');

    expect(lines[1]).not.toHaveProperty('trace_id');
    expect(lines[1]).not.toHaveProperty('span_id');
    expect(lines[1]).toMatchObject({ msg: 'outside', requestId: 'r2' });
  });
});
