import type { Logger } from '@switchboard/logging';
import type { PolicyStore } from '@switchboard/routing-policy';
import type { Database } from './open-database.js';
import type { OptimizerMetrics } from './optimizer-metrics.js';
import type { RouteCatalog } from './route-catalog.js';
import type { RouteTrainer } from './train-route.js';

/** What every route's learner works with. */
export interface LearnerDependencies {
  readonly database: Database;
  readonly catalog: RouteCatalog;
  /** Where policies are published for routers: KV `policy` and object store `policy-weights`. */
  readonly store: PolicyStore;
  readonly trainer: RouteTrainer;
  readonly metrics: OptimizerMetrics;
  /** Imported rows a refit reads at most (`OPTIMIZER_MAX_IMPORTED_ROWS`). */
  readonly maxImportedRows: number;
  /** A route is refit once it learned this many observations online; 0 never (`OPTIMIZER_REFIT_OBSERVATIONS`). */
  readonly refitAfterObservations: number;
  readonly logger: Logger;
}
