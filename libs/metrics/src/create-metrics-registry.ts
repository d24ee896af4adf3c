import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * A fresh prom-client registry for one service, holding prom-client's default Node process metrics
 * under their standard, prefix-free names (`process_cpu_seconds_total`, `nodejs_heap_size_used_bytes`,
 * …) and `switchboard_service_info{service} 1`.
 *
 * Each service gets its own registry rather than prom-client's global one, so several services can
 * run in one process (as they do in tests) without their metrics mixing. No `service` label is put on
 * every series: Prometheus adds `job` and `instance` from the scrape config; the info metric only lets
 * a dashboard tell which service a target is whatever its job is called.
 * @param service the service's name, e.g. `router`.
 */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const info = new Gauge({
    name: 'switchboard_service_info',
    help: 'Always 1; names the Switchboard service behind this target.',
    labelNames: ['service'],
    registers: [registry],
  });
  info.set({ service }, 1);
  return registry;
}
