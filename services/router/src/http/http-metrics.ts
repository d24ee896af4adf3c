import { Counter, DURATION_BUCKETS_SECONDS, Histogram } from '@switchboard/metrics';
import type { Registry } from '@switchboard/metrics';

/** Told when each HTTP call is answered; `route` is the endpoint's template, never the path sent. */
export type HttpCallObserver = (method: string, route: string, status: number, seconds: number) => void;

/** The label of calls that matched no endpoint. */
export const UNMATCHED_ROUTE = '(unmatched)';

/**
 * Registers `switchboard_router_http_requests_total` and `switchboard_router_http_request_duration_seconds`
 * on `registry` and returns the observer that updates them. Labels are the endpoint's template (model
 * names are client-chosen and would make series without bound), the method (node's parser accepts
 * only the fixed set of HTTP methods) and the status.
 */
export function createHttpMetrics(registry: Registry): HttpCallObserver {
  const registers = [registry];
  const requests = new Counter({
    name: 'switchboard_router_http_requests_total',
    help: 'HTTP/REST calls answered, by method, endpoint template ("(unmatched)" for none) and HTTP status.',
    labelNames: ['method', 'route', 'status'],
    registers,
  });
  const duration = new Histogram({
    name: 'switchboard_router_http_request_duration_seconds',
    help: 'Time from an HTTP/REST call arriving to its answer being written, by endpoint template.',
    labelNames: ['method', 'route'],
    buckets: [...DURATION_BUCKETS_SECONDS],
    registers,
  });
  return (method, route, status, seconds) => {
    requests.inc({ method, route, status: String(status) });
    duration.observe({ method, route }, seconds);
  };
}
