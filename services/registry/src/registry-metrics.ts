import type { DescService } from '@bufbuild/protobuf';
import { statusCodeName } from '@switchboard/errors';
import { toGrpcStatus } from '@switchboard/grpc';
import type { ServiceHandlers } from '@switchboard/grpc';
import type { Logger } from '@switchboard/logging';
import { Counter, Gauge } from '@switchboard/metrics';
import type { Registry } from '@switchboard/metrics';
import type { Database } from './open-database.js';

type AnyHandler = (request: unknown, call: unknown) => Promise<unknown>;

/** The registry's Prometheus metrics. */
export interface RegistryMetrics {
  /** Wraps `handlers` so every call is counted by method and gRPC status code name. */
  countCalls<S extends DescService>(service: S, handlers: ServiceHandlers<S>): ServiceHandlers<S>;
}

/**
 * Registers the registry's metrics on `registry`: admin calls by method and code, and the number of
 * models and routes, counted in Postgres (the truth) at scrape time.
 */
export function createRegistryMetrics(
  registry: Registry,
  database: Database,
  logger: Logger,
): RegistryMetrics {
  const requests = new Counter({
    name: 'switchboard_registry_admin_requests_total',
    help: 'Admin gRPC calls answered, by method (e.g. RegisterModel) and gRPC status code name.',
    labelNames: ['method', 'code'],
    registers: [registry],
  });
  registerRowCount(registry, database, logger, 'models', 'Models registered.');
  registerRowCount(registry, database, logger, 'routes', 'Routes defined.');
  return {
    countCalls<S extends DescService>(service: S, handlers: ServiceHandlers<S>) {
      const counted: Record<string, AnyHandler> = {};
      for (const method of service.methods) {
        const handler = (handlers as unknown as Record<string, AnyHandler | undefined>)[method.localName];
        if (handler === undefined) continue; // libs/grpc reports the missing handler at start.
        counted[method.localName] = async (request, call) => {
          try {
            const response = await handler(request, call);
            requests.inc({ method: method.name, code: 'OK' });
            return response;
          } catch (error) {
            requests.inc({ method: method.name, code: statusCodeName(toGrpcStatus(error).code) });
            throw error;
          }
        };
      }
      return counted as unknown as ServiceHandlers<S>;
    },
  };
}

function registerRowCount(
  registry: Registry,
  database: Database,
  logger: Logger,
  table: 'models' | 'routes',
  help: string,
): void {
  new Gauge({
    name: `switchboard_registry_${table}`,
    help,
    registers: [registry],
    async collect() {
      try {
        const [row] = await database<
          { count: number }[]
        >`SELECT count(*)::int AS count FROM ${database(table)}`;
        this.set(row?.count ?? 0);
      } catch (error) {
        // A failed collector would fail the whole scrape; keep the last count and say why.
        logger.warn({ err: error, table }, 'counting registry rows for metrics failed');
      }
    },
  });
}
