/**
 * Test helpers for packages that run the generated models (`@switchboard/models/testing`).
 */
export { classifierSpec } from './classifier-spec.js';
export { runReferenceModel } from './run-reference-model.js';
