import { createGrpcClient } from '@switchboard/grpc';
import { ResourceManagerService } from '@switchboard/protocol';
import type { GetPlacementResponse } from '@switchboard/protocol';

/** What the resource manager said about one model at one time, in its own (wall-clock) units. */
export interface PlanSample {
  /** When the answer came, unix ms. */
  readonly atMs: number;
  readonly model: string;
  readonly demandPerSecond: number;
  readonly forecastPerSecond: number;
  readonly forecaster: string;
  readonly forecastErrorPerSecond: number;
  readonly desiredReplicas: number;
  readonly servingReplicas: number;
  readonly loadMs: number;
  readonly reason: string;
}

/** How often the plan is read: the manager re-plans about this often. */
const POLL_INTERVAL_MS = 1_000;

function toSamples(response: GetPlacementResponse, atMs: number): PlanSample[] {
  return response.models.map((plan) => ({
    atMs,
    model: plan.model,
    demandPerSecond: plan.demandPerSecond,
    forecastPerSecond: plan.forecastPerSecond,
    forecaster: plan.forecaster,
    forecastErrorPerSecond: plan.forecastErrorPerSecond,
    desiredReplicas: plan.desiredReplicas,
    servingReplicas: plan.servingReplicas,
    loadMs: plan.loadMs,
    reason: plan.reason,
  }));
}

/** A running poll of the resource manager's GetPlacement. */
export interface PlacementPoller {
  readonly samples: readonly PlanSample[];
  /** Calls that failed (the manager busy or restarting); the chart has a gap there. */
  readonly failures: number;
  /** The latest answer, or undefined before the first. */
  latest(): GetPlacementResponse | undefined;
  /** Stops polling and closes the channel. Idempotent. */
  stop(): void;
}

/**
 * Reads the resource manager's plan (demand, forecast, desired and serving replicas per model)
 * every second until stopped: the forecast line of the chart and the forecast error.
 */
export function pollPlacement(address: string): PlacementPoller {
  const client = createGrpcClient(ResourceManagerService, address);
  const samples: PlanSample[] = [];
  let failures = 0;
  let latest: GetPlacementResponse | undefined;
  let inFlight = false;
  const poll = () => {
    // A slow answer must not pile up calls on a busy machine.
    if (inFlight) return;
    inFlight = true;
    client.getPlacement({}, { timeoutMs: POLL_INTERVAL_MS * 2 }).then(
      (response) => {
        latest = response;
        samples.push(...toSamples(response, Date.now()));
        inFlight = false;
      },
      () => {
        failures += 1;
        inFlight = false;
      },
    );
  };
  const timer = setInterval(poll, POLL_INTERVAL_MS);
  poll();
  let stopped = false;
  return {
    samples,
    get failures() {
      return failures;
    },
    latest: () => latest,
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      client.close();
    },
  };
}
