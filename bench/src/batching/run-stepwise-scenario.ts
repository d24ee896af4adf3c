import type { GrpcClient } from '@switchboard/grpc';
import type { GRPCInferenceService } from '@switchboard/protocol';
import { toLlmInferRequest } from '../shared/llm-infer-request.js';
import type { TraceArrival } from '../shared/read-trace.js';
import { reportProgress } from '../shared/report-progress.js';
import type { StepwiseStrategy } from './batching-strategies.js';
import { probeWindowMs, runProbe } from './run-probe.js';
import type { ProbePoint, ProbeTarget } from './run-probe.js';
import { scaleTrace } from './scale-trace.js';
import { searchMaxRate } from './search-max-rate.js';
import type { RateSearchResult } from './search-max-rate.js';
import { serialCapacityPerSecond } from './stepwise-cost-model.js';
import { STEPWISE_PROMPT } from './stepwise-strategy-specs.js';

/** A call's deadline as a multiple of the SLO: a late answer is still measured, a lost one ends. */
export const STEPWISE_DEADLINE_PER_SLO = 2;
/** Rates are searched from this multiple of one sequence at a time's capacity, up or down... */
const START_MULTIPLE: Readonly<Record<StepwiseStrategy, number>> = { dynamic: 4, continuous: 8 };
/** ...and never below this multiple of it, nor above twice the concurrent sequences' multiple. */
const MIN_MULTIPLE = 1 / 8;

/** Options of {@link searchStepwiseStrategy}. */
export interface StepwiseSearchOptions {
  readonly strategy: StepwiseStrategy;
  /** Rates and the SLO are simulated time; `target.timeScale` is the speedup. */
  readonly target: ProbeTarget;
  readonly client: GrpcClient<typeof GRPCInferenceService>;
  readonly trace: readonly TraceArrival[];
  /** The trace request every probe's schedule starts with. */
  readonly startIndex: number;
  readonly bisections: number;
  /** Concurrent sequences of either strategy; the search goes no higher than twice this × serial capacity. */
  readonly sequences: number;
}

/**
 * Finds the highest rate at which the strategy's P99 stays within the SLO, each probe replaying
 * the same stretch of the trace (arrival shape and every request's prompt and output tokens),
 * time-scaled to the rate.
 */
export async function searchStepwiseStrategy(
  options: StepwiseSearchOptions,
): Promise<RateSearchResult<ProbePoint>> {
  const { target, strategy } = options;
  const speedup = target.timeScale;
  const serialRps = serialCapacityPerSecond(options.trace);
  const timeoutMs = (target.sloMs * STEPWISE_DEADLINE_PER_SLO) / speedup;
  // Every request of the run gets its own id: the router deduplicates a request whose bytes (id
  // included) it saw before and answers it from its result cache, and every probe replays the same
  // stretch of the trace.
  let probeNumber = 0;
  reportProgress(
    `stepwise ${strategy}: searching from ${(serialRps * START_MULTIPLE[strategy]).toFixed(2)}/s`,
  );
  return searchMaxRate({
    startRps: serialRps * START_MULTIPLE[strategy],
    minRps: serialRps * MIN_MULTIPLE,
    maxRps: serialRps * options.sequences * 2,
    bisections: options.bisections,
    probe: (rps) => {
      probeNumber += 1;
      const windowMs = probeWindowMs(target.windowMs, rps * speedup);
      const arrivals = scaleTrace(options.trace, {
        startIndex: options.startIndex,
        ratePerSecond: rps,
        durationMs: windowMs * speedup,
      });
      const requests = arrivals.map((arrival, index) =>
        toLlmInferRequest({
          target: target.model,
          id: `${target.model}-${probeNumber}-${index}`,
          prompt: STEPWISE_PROMPT,
          promptTokens: arrival.promptTokens,
          outputTokens: arrival.outputTokens,
        }),
      );
      return runProbe(
        target,
        {
          windowMs,
          offsetsMs: arrivals.map((arrival) => arrival.offsetMs / speedup),
          send: async (index) => {
            const request = requests[index];
            if (request === undefined)
              throw new Error(`no request ${index} in a schedule of ${requests.length}`);
            return options.client.modelInfer(request, { timeoutMs });
          },
        },
        rps,
      );
    },
  });
}
