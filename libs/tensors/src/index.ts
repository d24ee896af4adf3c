/**
 * Open Inference Protocol tensors: validating and decoding request inputs, encoding outputs, and
 * joining and splitting batches. Shared by the router and the worker; pure functions only.
 */
export type { Datatype, Tensor, TensorData } from './tensor.js';
export type { InputLimits } from './decode-infer-inputs.js';
export type { EncodedOutputs } from './encode-outputs.js';
export type { EncodedInputs, InputEncoding } from './encode-inputs.js';
export { DATATYPES, LENGTH_PREFIX_BYTES, datatypeByteSize, isDatatype } from './datatype.js';
export { elementCount } from './shape.js';
export { decodeInferInputs } from './decode-infer-inputs.js';
export { validateRequestedOutputs } from './validate-requested-outputs.js';
export { encodeOutputs } from './encode-outputs.js';
export { decodeOutputs } from './decode-outputs.js';
export { encodeInputs } from './encode-inputs.js';
export { concatBatch, countBatchRows } from './concat-batch.js';
export { splitBatch } from './split-batch.js';
export { batchSignature } from './batch-signature.js';
