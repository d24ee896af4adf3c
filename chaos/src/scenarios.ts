import type { Scenario } from './scenario.js';
import { workerHung } from './scenarios/worker-hung.js';
import { workerKilled } from './scenarios/worker-killed.js';

/** Every scenario, in the order. */
export const SCENARIOS: readonly Scenario[] = [workerKilled, workerHung];
