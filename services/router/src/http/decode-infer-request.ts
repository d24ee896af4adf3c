import { create } from '@bufbuild/protobuf';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { InvalidArgumentError, previewText } from '@switchboard/errors';
import { ModelInferRequestSchema } from '@switchboard/protocol';
import type { ModelInferRequest, ModelInferRequest_InferInputTensorSchema } from '@switchboard/protocol';
import { DATATYPES, datatypeByteSize, elementCount, encodeInputs, isDatatype } from '@switchboard/tensors';
import type { Datatype } from '@switchboard/tensors';
import { MAX_SHAPE_RANK } from '../request-limits.js';
import { parseJsonHeader } from './parse-json-header.js';
import { toInferParameters, type JsonObject } from './json-parameters.js';
import { toTensorData } from './json-tensor-data.js';

type InputInit = MessageInitShape<typeof ModelInferRequest_InferInputTensorSchema>;

/** Which outputs the client wants as binary data (Triton's binary tensor extension). */
export interface BinaryOutputs {
  /** `binary_data_output: true` on the request: every output. */
  readonly all: boolean;
  /** Outputs requested with `binary_data: true`. */
  readonly names: ReadonlySet<string>;
}

/** An HTTP inference request as the shared request path takes it, with what only HTTP says. */
export interface DecodedInferRequest {
  request: ModelInferRequest;
  binaryOutputs: BinaryOutputs;
}

/** What the URL names: `/v2/models/{name}[/versions/{version}]/infer`. */
export interface InferTarget {
  name: string;
  version: string;
}

/** Reads binary input data in order from the bytes after the JSON header. */
interface BinaryCursor {
  readonly body: Buffer;
  offset: number;
}

/**
 * Decodes a KServe v2 inference request — the JSON object, then, when `headerLength` is given
 * (`Inference-Header-Content-Length`), binary input data in the order of the inputs that declare
 * `binary_data_size` — into a ModelInferRequest with every input in `raw_input_contents`, so JSON and
 * binary inputs mix freely. The HTTP-only parameters (`binary_data_size`, `binary_data`,
 * `binary_data_output`) are taken out: the request is the one a gRPC client would send.
 * @throws InvalidArgumentError saying what to fix: bad JSON, a missing or mistyped field, a shape the
 *   data does not fill, a value the datatype cannot hold, binary sizes that do not add up.
 */
export function decodeInferRequest(
  body: Buffer,
  headerLength: string | undefined,
  target: InferTarget,
): DecodedInferRequest {
  const { json, jsonBytes } = parseJsonHeader(body, headerLength);
  const id = json.id ?? '';
  if (typeof id !== 'string') throw new InvalidArgumentError('"id" must be a string');
  const parameters = toInferParameters(json.parameters, 'the request');
  const binaryDataOutput = takeParameter(parameters, 'binary_data_output');
  if (!Array.isArray(json.inputs)) {
    throw new InvalidArgumentError(
      '"inputs" must be an array of {"name", "shape", "datatype", "data"} objects',
    );
  }
  const cursor: BinaryCursor = { body, offset: jsonBytes };
  const inputs: InputInit[] = [];
  const rawInputContents: Uint8Array[] = [];
  json.inputs.forEach((value, index) => {
    const [input, raw] = decodeInput(value, index, cursor);
    inputs.push(input);
    rawInputContents.push(raw);
  });
  if (cursor.offset !== body.length) {
    throw new InvalidArgumentError(
      `${body.length - cursor.offset} bytes of binary data after the JSON header belong to no input: ` +
        'the inputs\' "binary_data_size" parameters must add up to the bytes after Inference-Header-Content-Length',
    );
  }
  const { outputs, binaryNames } = decodeOutputs(json.outputs);
  const request = create(ModelInferRequestSchema, {
    modelName: target.name,
    modelVersion: target.version,
    id,
    parameters,
    inputs,
    outputs,
    rawInputContents,
  });
  const all =
    binaryDataOutput?.parameterChoice.case === 'boolParam' && binaryDataOutput.parameterChoice.value;
  return { request, binaryOutputs: { all, names: binaryNames } };
}

function takeParameter(parameters: ReturnType<typeof toInferParameters>, key: string) {
  const parameter = parameters[key];
  delete parameters[key];
  return parameter;
}

function asObject(value: unknown, what: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidArgumentError(`${what} must be a JSON object`);
  }
  return value as JsonObject;
}

function decodeInput(value: unknown, index: number, cursor: BinaryCursor): [InputInit, Uint8Array] {
  const json = asObject(value, `inputs[${index}]`);
  if (typeof json.name !== 'string' || json.name === '') {
    throw new InvalidArgumentError(`inputs[${index}] needs a "name" (a string)`);
  }
  const label = `input ${previewText(json.name)}`;
  const datatype = json.datatype;
  if (typeof datatype !== 'string' || !isDatatype(datatype)) {
    throw new InvalidArgumentError(`${label} needs a "datatype", one of ${DATATYPES.join(', ')}`);
  }
  const shape = decodeShape(json.shape, label);
  const parameters = toInferParameters(json.parameters, label);
  const binarySize = takeParameter(parameters, 'binary_data_size');
  if (binarySize !== undefined) {
    if (json.data !== undefined) {
      throw new InvalidArgumentError(`${label} has both "data" and binary_data_size; send one of them`);
    }
    const raw = readBinaryInput(binarySize.parameterChoice, datatype, shape, label, cursor);
    const input = { name: json.name, datatype, shape: shape.map(BigInt), parameters };
    return [input, raw];
  }
  if (!Array.isArray(json.data)) {
    throw new InvalidArgumentError(
      `${label} needs "data": an array of its elements, flat in row-major order or nested by its shape ` +
        '(or a binary_data_size parameter with the bytes after the JSON)',
    );
  }
  const data = toTensorData(json.data, datatype, shape, label);
  const encoded = encodeInputs([{ name: json.name, datatype, shape, data }], 'raw');
  return [{ ...(encoded.inputs[0] as InputInit), parameters }, encoded.rawInputContents[0] as Uint8Array];
}

function decodeShape(value: unknown, label: string): number[] {
  const valid =
    Array.isArray(value) &&
    value.length <= MAX_SHAPE_RANK &&
    value.every((dimension) => Number.isSafeInteger(dimension) && (dimension as number) >= 0);
  if (!valid) {
    throw new InvalidArgumentError(
      `${label} needs a "shape": an array of at most ${MAX_SHAPE_RANK} whole numbers ≥ 0, e.g. [1, 4]`,
    );
  }
  return value as number[];
}

function readBinaryInput(
  size: ReturnType<typeof toInferParameters>[string]['parameterChoice'],
  datatype: Datatype,
  shape: readonly number[],
  label: string,
  cursor: BinaryCursor,
): Uint8Array {
  if (size.case !== 'int64Param' || size.value < 0n) {
    throw new InvalidArgumentError(`${label}: binary_data_size must be a whole number of bytes ≥ 0`);
  }
  const bytes = Number(size.value);
  const remaining = cursor.body.length - cursor.offset;
  if (bytes > remaining) {
    throw new InvalidArgumentError(
      `${label} has binary_data_size ${bytes} but only ${remaining} bytes of binary data are left in the body`,
    );
  }
  const elementBytes = datatypeByteSize(datatype);
  if (elementBytes !== undefined && bytes !== elementCount(shape) * elementBytes) {
    throw new InvalidArgumentError(
      `${label} has binary_data_size ${bytes}; its shape [${shape.join(', ')}] of ${datatype} needs ` +
        `${elementCount(shape) * elementBytes} bytes`,
    );
  }
  const raw = cursor.body.subarray(cursor.offset, cursor.offset + bytes);
  cursor.offset += bytes;
  return raw;
}

function decodeOutputs(value: unknown) {
  const binaryNames = new Set<string>();
  if (value === undefined) return { outputs: [], binaryNames };
  if (!Array.isArray(value)) {
    throw new InvalidArgumentError('"outputs" must be an array of {"name", "parameters"} objects');
  }
  const outputs = value.map((item, index) => {
    const json = asObject(item, `outputs[${index}]`);
    if (typeof json.name !== 'string' || json.name === '') {
      throw new InvalidArgumentError(`outputs[${index}] needs a "name" (a string)`);
    }
    const parameters = toInferParameters(json.parameters, `output ${previewText(json.name)}`);
    const binary = takeParameter(parameters, 'binary_data');
    if (binary?.parameterChoice.case === 'boolParam' && binary.parameterChoice.value) {
      binaryNames.add(json.name);
    }
    return { name: json.name, parameters };
  });
  return { outputs, binaryNames };
}
