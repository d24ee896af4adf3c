import { readFile } from 'node:fs/promises';
import { fromJson } from '@bufbuild/protobuf';
import type { JsonObject, JsonValue } from '@bufbuild/protobuf';
import { ModelSpecSchema } from '@switchboard/protocol';
import type { ModelSpec } from '@switchboard/protocol';
import { UsageError } from './errors.js';

/**
 * Reads a ModelSpec from a JSON file in protobuf-es JSON form (`{"name": "classifier-small",
 * "runtime": "onnx", "costPerCallMicros": "10", ...}`). As a shorthand, `modality` and
 * `batching.mode` may also be the short lowercase names (`"structured"`, `"dynamic"`).
 * @throws UsageError when the file cannot be read, is not JSON or is not a ModelSpec.
 */
export async function readModelFile(path: string): Promise<ModelSpec> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  let json: JsonValue;
  try {
    json = JSON.parse(text) as JsonValue;
  } catch (error) {
    throw new UsageError(
      `${path} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  try {
    return fromJson(ModelSpecSchema, expandShortEnumNames(json));
  } catch (error) {
    throw new UsageError(
      `${path} is not a ModelSpec: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

function expandShortEnumNames(json: JsonValue): JsonValue {
  if (!isObject(json)) return json;
  const expanded: JsonObject = { ...json };
  if (typeof json['modality'] === 'string') expanded['modality'] = withPrefix('MODALITY_', json['modality']);
  const batching = json['batching'];
  if (isObject(batching) && typeof batching['mode'] === 'string') {
    expanded['batching'] = { ...batching, mode: withPrefix('BATCHING_MODE_', batching['mode']) };
  }
  return expanded;
}

function withPrefix(prefix: string, name: string): string {
  return name.startsWith(prefix) ? name : `${prefix}${name.toUpperCase()}`;
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
