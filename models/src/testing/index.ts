/**
 * Test helpers for packages that run the generated models or synthetic stand-ins for them
 * (`@switchboard/models/testing`).
 */
export { classifierSpec } from './classifier-spec.js';
export { fromRawFloat32, toRawFloat32 } from './raw-float32.js';
export { runReferenceModel } from './run-reference-model.js';
export type { SyntheticEconomics } from './synthetic-spec.js';
export { syntheticSpec, syntheticTextSpec } from './synthetic-spec.js';
