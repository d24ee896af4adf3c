import { InvalidArgumentError, NotFoundError, previewText } from '@switchboard/errors';
import type { ServiceHandlers } from '@switchboard/grpc';
import type { Logger } from '@switchboard/logging';
import type { CanaryState, OptimizerService } from '@switchboard/protocol';
import { canaryThresholdsToMessage, validateCanarySettings } from './canary-settings.js';
import { loadCanaryThresholds, saveCanaryThresholds } from './canary-settings-store.js';
import { upsertImportedRows } from './imported-row-store.js';
import { readModelEvidence } from './model-evidence.js';
import type { Database } from './open-database.js';
import { readLastRefusal } from './policy-history.js';
import type { RouteCatalog } from './route-catalog.js';
import type { RouteLearners } from './route-learners.js';
import { settingsToMessage, validateRouteSettings } from './route-settings.js';
import { loadRouteSettings, saveRouteSettings } from './settings-store.js';
import { validateImport } from './validate-import.js';

/** What the handlers work on. */
export interface OptimizerHandlerDependencies {
  readonly database: Database;
  readonly catalog: RouteCatalog;
  readonly learners: RouteLearners;
  /** Routes written to since the last pruning. */
  readonly touchedRoutes: Set<string>;
  /** What GetPolicy says of a route's canaries; none when absent. */
  readonly canaries?: { describe(route: string): Promise<CanaryState[]> };
  readonly logger: Logger;
}

/**
 * OptimizerService. Routes must be registered (NOT_FOUND otherwise); thrown Switchboard errors
 * become their gRPC status in libs/grpc (INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION).
 */
export function createOptimizerHandlers(
  dependencies: OptimizerHandlerDependencies,
): ServiceHandlers<typeof OptimizerService> {
  const { database, catalog, learners, touchedRoutes, canaries, logger } = dependencies;
  return {
    async importOutcomes(request) {
      const candidates = candidatesOf(catalog, request.route);
      const { rows, outcomesSkipped } = validateImport(request.rows, candidates);
      await upsertImportedRows(database, request.route, rows);
      touchedRoutes.add(request.route);
      logger.info(
        { route: request.route, rows: rows.length, outcomesSkipped, train: request.train },
        'outcomes imported',
      );
      const response = { rowsStored: BigInt(rows.length), outcomesSkipped: BigInt(outcomesSkipped) };
      if (!request.train) return response;
      const outcome = await learners.get(request.route)!.refit(candidates);
      if (outcome.kind === 'published') return { ...response, policyVersion: outcome.version };
      if (outcome.kind === 'refused') return { ...response, refusal: outcome.reason };
      return { ...response, refusal: 'no candidate of the route has a predictor to publish' };
    },

    async setRouteSettings(request) {
      candidatesOf(catalog, request.route);
      const settings = validateRouteSettings(request.settings);
      const canary = request.settings?.canary;
      const thresholds = canary === undefined ? undefined : validateCanarySettings(canary);
      await database.begin(async (sql) => {
        await saveRouteSettings(sql, request.route, settings);
        if (thresholds !== undefined) await saveCanaryThresholds(sql, request.route, thresholds);
      });
      learners.get(request.route)!.markChanged();
      const stored = {
        ...settingsToMessage(settings),
        canary: canaryThresholdsToMessage(
          thresholds ?? (await loadCanaryThresholds(database, request.route)),
        ),
      };
      logger.info({ route: request.route, settings: stored }, 'route settings changed');
      return { settings: stored };
    },

    async getPolicy(request) {
      const candidates = candidatesOf(catalog, request.route);
      const live = learners.get(request.route)!.live;
      const [settings, thresholds, models, refusal, canaryStates] = await Promise.all([
        loadRouteSettings(database, request.route),
        loadCanaryThresholds(database, request.route),
        readModelEvidence(database, request.route, candidates, live?.policy, catalog),
        readLastRefusal(database, request.route),
        canaries?.describe(request.route) ?? [],
      ]);
      return {
        route: request.route,
        liveVersion: live?.policy.version ?? 0n,
        publishedUnixMs: BigInt(live?.publishedUnixMs ?? 0),
        settings: { ...settingsToMessage(settings), canary: canaryThresholdsToMessage(thresholds) },
        ...(live?.policy.estimate === undefined ? {} : { estimate: live.policy.estimate }),
        models,
        ...(refusal === undefined ? {} : { lastRefusal: refusal }),
        canaries: canaryStates,
      };
    },
  };
}

/**
 * The candidate models of a registered route.
 * @throws InvalidArgumentError when no route is named; NotFoundError when the registry has no such route.
 */
function candidatesOf(catalog: RouteCatalog, route: string): readonly string[] {
  if (route === '') throw new InvalidArgumentError('route is required');
  const candidates = catalog.candidatesOf(route);
  if (candidates === undefined)
    throw new NotFoundError(
      `route ${previewText(route)} is not registered; create it in the registry first (switchboard routes put)`,
    );
  return candidates;
}
