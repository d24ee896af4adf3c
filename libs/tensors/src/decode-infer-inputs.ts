import { InvalidArgumentError, ResourceExhaustedError } from '@switchboard/errors';
import type {
  ModelInferRequest,
  ModelInferRequest_InferInputTensor,
  TensorSpec,
} from '@switchboard/protocol';
import { LENGTH_PREFIX_BYTES, datatypeByteSize } from './datatype.js';
import { decodeRawContents } from './decode-raw-contents.js';
import { decodeTypedContents } from './decode-typed-contents.js';
import { describeModel } from './describe-model.js';
import { matchInputsToSpecs } from './match-inputs-to-specs.js';
import { elementCount } from './shape.js';
import type { Tensor } from './tensor.js';
import { TYPED_CONTENTS_FIELDS } from './typed-contents-field.js';
import { validateInputHeader } from './validate-input-header.js';
import type { InputHeader } from './validate-input-header.js';

/** Limits a request's inputs must stay within. */
export interface InputLimits {
  /** Largest total size of a request's inputs, measured as their raw encoding, in bytes. */
  maxRequestBytes: number;
}

/**
 * Validates a request's inputs against a model's declared inputs and decodes them, following the
 * KServe v2 / Triton rules: every declared input exactly once, datatypes as declared, shapes of the
 * declared rank with fixed dimensions equal (-1 = any size), and contents either all typed or all raw.
 *
 * Numeric tensors decoded from raw contents share memory with the request when aligned, so the request's
 * buffers must not be reused while the tensors live.
 *
 * @returns one tensor per declared input, in the order of `inputSpecs` (not the request's order), so
 *   tensors of different requests line up for batching.
 * @throws InvalidArgumentError when the request breaks a rule; the message names the input and says
 *   what was expected and what was sent.
 * @throws ResourceExhaustedError when the inputs total more than `limits.maxRequestBytes`.
 */
export function decodeInferInputs(
  request: ModelInferRequest,
  inputSpecs: readonly TensorSpec[],
  limits: InputLimits,
): Tensor[] {
  const inputIndexes = matchInputsToSpecs(request, inputSpecs);
  const inputs = inputIndexes.map((index) => request.inputs[index] as ModelInferRequest_InferInputTensor);
  const model = describeModel(request);
  const headers = inputs.map((input, specIndex) =>
    validateInputHeader(input, inputSpecs[specIndex] as TensorSpec, model),
  );
  const raw = usesRawContents(request);
  const sizeBytes = raw ? sumByteLengths(request.rawInputContents) : typedSizeBytes(inputs, headers);
  if (sizeBytes > limits.maxRequestBytes) {
    throw new ResourceExhaustedError(
      `request inputs are ${sizeBytes} bytes, over the limit of ${limits.maxRequestBytes} bytes; ` +
        `send smaller inputs or split the batch across requests`,
    );
  }
  return inputs.map((input, specIndex) => {
    const { datatype, shape } = headers[specIndex] as InputHeader;
    const inputIndex = inputIndexes[specIndex] as number;
    const data = raw
      ? decodeRawContents(
          request.rawInputContents[inputIndex] as Uint8Array,
          datatype,
          shape,
          `input "${input.name}" (raw_input_contents[${inputIndex}])`,
        )
      : decodeTypedContents(input.contents, datatype, shape, `input "${input.name}"`);
    return { name: input.name, datatype, shape, data };
  });
}

/**
 * Whether the request carries its inputs in `raw_input_contents`. The protocol allows one way per
 * request: with raw contents, one entry per input (in input order) and no typed contents anywhere.
 */
function usesRawContents(request: ModelInferRequest): boolean {
  const rawCount = request.rawInputContents.length;
  if (rawCount === 0) return false;
  if (rawCount !== request.inputs.length) {
    throw new InvalidArgumentError(
      `request has ${rawCount} raw_input_contents entries for ${request.inputs.length} inputs; ` +
        `with raw_input_contents send exactly one entry per input, in the order of inputs`,
    );
  }
  const typed = request.inputs.find(hasTypedValues);
  if (typed !== undefined) {
    throw new InvalidArgumentError(
      `input "${typed.name}" has typed contents but the request also uses raw_input_contents; ` +
        `send every input raw or every input typed, not both`,
    );
  }
  return true;
}

// An empty contents message is tolerated: some clients always set the field.
function hasTypedValues(input: ModelInferRequest_InferInputTensor): boolean {
  const contents = input.contents;
  return contents !== undefined && TYPED_CONTENTS_FIELDS.some((field) => contents[field].length > 0);
}

function sumByteLengths(buffers: readonly Uint8Array[]): number {
  let total = 0;
  for (const buffer of buffers) total += buffer.length;
  return total;
}

/** Size typed inputs would have raw, so the limit means the same whichever way a client sends. */
function typedSizeBytes(
  inputs: readonly ModelInferRequest_InferInputTensor[],
  headers: readonly InputHeader[],
): number {
  let total = 0;
  inputs.forEach((input, index) => {
    const { datatype, shape } = headers[index] as InputHeader;
    const elementBytes = datatypeByteSize(datatype);
    if (elementBytes !== undefined) {
      total += elementCount(shape) * elementBytes;
    } else {
      const strings = input.contents?.bytesContents ?? [];
      total += strings.length * LENGTH_PREFIX_BYTES + sumByteLengths(strings);
    }
  });
  return total;
}
