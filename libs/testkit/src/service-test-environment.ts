/** Where a test's services run: the test run's NATS, its own database and namespace. */
export interface ServiceTestPlace {
  readonly natsUrl: string;
  readonly databaseUrl: string;
  readonly namespace: string;
}

/** The streams' byte reservations a test's namespace makes on the shared NATS server. */
const TEST_STREAM_BYTES = 16 * 1024 ** 2;

/**
 * The environment every service of a test gets: its NATS, database and namespace, silent logs,
 * /metrics and the router's HTTP/REST door on free ports (test files run in parallel) and small stream reservations — the
 * defaults reserve 1 GiB of JetStream storage per namespace, which a shared server runs out of
 * after a few dozen test namespaces.
 */
export function serviceTestEnvironment(place: ServiceTestPlace): Record<string, string> {
  return {
    NATS_URL: place.natsUrl,
    DATABASE_URL: place.databaseUrl,
    SWITCHBOARD_NAMESPACE: place.namespace,
    LOG_LEVEL: 'silent',
    METRICS_HOST: '127.0.0.1',
    METRICS_PORT: '0',
    // The router's HTTP/REST door too (its default 8000 would collide between parallel tests).
    ROUTER_HTTP_HOST: '127.0.0.1',
    ROUTER_HTTP_PORT: '0',
    TELEMETRY_MAX_BYTES: String(TEST_STREAM_BYTES),
    ROUTER_DECISIONS_MAX_BYTES: String(TEST_STREAM_BYTES),
    ROUTER_RESULT_CACHE_MAX_BYTES: String(TEST_STREAM_BYTES),
  };
}
