export { subscribeHeartbeats } from './subscribe-heartbeats.js';
export type { WorkerCounts, WorkerPresenceOptions } from './worker-presence.js';
export { WorkerPresence } from './worker-presence.js';
