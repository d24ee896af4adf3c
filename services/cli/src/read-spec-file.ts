import { readFile } from 'node:fs/promises';
import { fromJson } from '@bufbuild/protobuf';
import type {
  DescEnum,
  DescField,
  DescMessage,
  JsonObject,
  JsonValue,
  MessageShape,
} from '@bufbuild/protobuf';
import { enumFromShortName } from '@switchboard/protocol';
import { UsageError } from './errors.js';

/**
 * Reads a message (a ModelSpec, a RouteSpec) from a JSON file in protobuf JSON form, e.g.
 * `{"name": "classifier-small", "costPerCallMicros": "10", ...}`. As a shorthand, every enum value
 * may also be given by its short name in any case (`"structured"` for `MODALITY_STRUCTURED`,
 * `"best_quality"` for `SELECTION_OBJECTIVE_BEST_QUALITY`), at any depth.
 * @throws UsageError when the file cannot be read, is not JSON or is not such a message.
 */
export async function readSpecFile<Schema extends DescMessage>(
  path: string,
  schema: Schema,
): Promise<MessageShape<Schema>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${describe(error)}`);
  }
  let json: JsonValue;
  try {
    json = JSON.parse(text) as JsonValue;
  } catch (error) {
    throw new UsageError(`${path} is not valid JSON: ${describe(error)}`);
  }
  try {
    return fromJson(schema, expandShortEnumNames(schema, json));
  } catch (error) {
    throw new UsageError(`${path} is not a ${schema.name}: ${describe(error)}`);
  }
}

/** Replaces short enum names with the full names protobuf JSON expects, following the schema. */
function expandShortEnumNames(message: DescMessage, json: JsonValue): JsonValue {
  if (!isObject(json)) return json;
  const expanded: JsonObject = { ...json };
  for (const field of message.fields) {
    // protobuf JSON accepts the lowerCamelCase name and the original snake_case one.
    for (const key of new Set([field.jsonName, field.name])) {
      const value = json[key];
      if (value !== undefined) expanded[key] = expandField(field, value);
    }
  }
  return expanded;
}

function expandField(field: DescField, value: JsonValue): JsonValue {
  switch (field.fieldKind) {
    case 'enum':
      return expandEnumName(field.enum, value);
    case 'message':
      return expandShortEnumNames(field.message, value);
    case 'list':
      if (!Array.isArray(value)) return value;
      if (field.listKind === 'enum') return value.map((item) => expandEnumName(field.enum, item));
      if (field.listKind === 'message') return value.map((item) => expandShortEnumNames(field.message, item));
      return value;
    default:
      // Scalars need nothing, and no spec has maps of enums or messages.
      return value;
  }
}

function expandEnumName(descriptor: DescEnum, value: JsonValue): JsonValue {
  if (typeof value !== 'string') return value;
  return enumFromShortName(descriptor, value.toLowerCase())?.name ?? value;
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
