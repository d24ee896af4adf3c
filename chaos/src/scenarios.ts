import type { Scenario } from './scenario.js';
import { controlPlaneKilled } from './scenarios/control-plane-killed.js';
import { gracefulDrain } from './scenarios/graceful-drain.js';
import { natsOutage } from './scenarios/nats-outage.js';
import { overload } from './scenarios/overload.js';
import { poisonInput } from './scenarios/poison-input.js';
import { postgresOutage } from './scenarios/postgres-outage.js';
import { routerKilled } from './scenarios/router-killed.js';
import { slowModel } from './scenarios/slow-model.js';
import { workerHung } from './scenarios/worker-hung.js';
import { workerKilled } from './scenarios/worker-killed.js';

/** Every scenario, in the order. */
export const SCENARIOS: readonly Scenario[] = [
  workerKilled,
  workerHung,
  slowModel,
  poisonInput,
  natsOutage,
  postgresOutage,
  routerKilled,
  controlPlaneKilled,
  gracefulDrain,
  overload,
];
