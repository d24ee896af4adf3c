/**
 * Test helpers for packages that run the generated models (`@switchboard/models/testing`).
 */
export { runReferenceModel } from './run-reference-model.js';
