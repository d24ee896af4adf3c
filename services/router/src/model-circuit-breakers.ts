import { CircuitState, ConsecutiveBreaker, circuitBreaker, handleWhen } from 'cockatiel';
import type { CircuitBreakerPolicy } from 'cockatiel';
import { isModelFailure } from './is-model-failure.js';

/** Told of every state change of a model version's circuit: 0 closed, 1 open, 2 half-open. */
export type CircuitStateObserver = (model: string, version: string, state: CircuitState) => void;

/** What a circuit belongs to: one version of one model. */
export interface CircuitKey {
  readonly name: string;
  readonly version: string;
}

export interface ModelCircuitBreakersOptions {
  /** Consecutive failures that open a model's circuit. */
  failures: number;
  /** How long an open circuit rejects calls before letting one trial call through. */
  halfOpenAfterMs: number;
  onStateChange?: CircuitStateObserver;
}

interface ModelCircuit {
  policy: CircuitBreakerPolicy;
  openedAtMs: number;
}

/**
 * One circuit breaker per model version (cockatiel), so a failing canary version does not take its
 * stable version down: after `failures` consecutive failures the circuit opens and the router stops
 * choosing that version; after `halfOpenAfterMs` one request may try it, and its outcome closes or
 * re-opens the circuit. Only failures of the model count ({@link isModelFailure}): a malformed
 * request or a client's own expired deadline never opens a circuit.
 */
export class ModelCircuitBreakers {
  readonly #circuits = new Map<string, ModelCircuit>();

  constructor(private readonly options: ModelCircuitBreakersOptions) {}

  /**
   * Whether the router may send `model` a request now: its circuit is closed, or open long enough
   * that the next call is the trial. While the trial runs (half-open) it is not: cockatiel holds
   * every other call until the trial ends, so a request sent then would wait out the trial — a whole
   * attempt timeout of a model that is probably still failing — before falling back.
   */
  isAvailable(model: CircuitKey, nowMs = Date.now()): boolean {
    const circuit = this.#circuits.get(keyOf(model));
    if (circuit === undefined) return true;
    switch (circuit.policy.state) {
      case CircuitState.Closed:
        return true;
      case CircuitState.Open:
        return nowMs - circuit.openedAtMs >= this.options.halfOpenAfterMs;
      default:
        return false;
    }
  }

  /**
   * Runs `call` through `model`'s circuit.
   * @throws BrokenCircuitError (cockatiel) when the circuit is open; otherwise whatever `call` throws.
   */
  execute<T>(model: CircuitKey, call: () => Promise<T>): Promise<T> {
    return this.#circuitOf(model).policy.execute(call);
  }

  #circuitOf(model: CircuitKey): ModelCircuit {
    const key = keyOf(model);
    let circuit = this.#circuits.get(key);
    if (circuit === undefined) {
      const policy = circuitBreaker(handleWhen(isModelFailure), {
        halfOpenAfter: this.options.halfOpenAfterMs,
        breaker: new ConsecutiveBreaker(this.options.failures),
      });
      const created: ModelCircuit = { policy, openedAtMs: 0 };
      policy.onBreak(() => (created.openedAtMs = Date.now()));
      policy.onStateChange((state) => this.options.onStateChange?.(model.name, model.version, state));
      this.#circuits.set(key, created);
      circuit = created;
    }
    return circuit;
  }
}

/** Model and version names never contain a space, so this key cannot collide. */
function keyOf(model: CircuitKey): string {
  return `${model.name} ${model.version}`;
}
