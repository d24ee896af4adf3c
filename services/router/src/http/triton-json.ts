import { ScalarType, toJson } from '@bufbuild/protobuf';
import type { DescMessage, JsonObject, JsonValue, MessageShape } from '@bufbuild/protobuf';

const INT64_TYPES: ReadonlySet<ScalarType> = new Set([
  ScalarType.INT64,
  ScalarType.UINT64,
  ScalarType.SINT64,
  ScalarType.FIXED64,
  ScalarType.SFIXED64,
]);

/**
 * A Triton message (ModelConfig, ModelStatistics) as Triton's HTTP endpoints print it: protobuf's
 * JSON mapping with the .proto's field names and every field, except that 64-bit integers are JSON
 * numbers, not the mapping's strings (Triton converts them back, so clients read `dims: [4]`).
 */
export function toTritonJson<Desc extends DescMessage>(
  schema: Desc,
  message: MessageShape<Desc>,
): JsonObject {
  const json = toJson(schema, message, { useProtoFieldName: true, alwaysEmitImplicit: true }) as JsonObject;
  return numbersFor64BitFields(schema, json);
}

function numbersFor64BitFields(schema: DescMessage, json: JsonObject): JsonObject {
  for (const field of schema.fields) {
    const value = json[field.name];
    if (value === undefined || value === null) continue;
    if (field.fieldKind === 'scalar' && INT64_TYPES.has(field.scalar)) {
      json[field.name] = Number(value);
    } else if (field.fieldKind === 'message') {
      numbersFor64BitFields(field.message, value as JsonObject);
    } else if (field.fieldKind === 'list' && field.listKind === 'scalar' && INT64_TYPES.has(field.scalar)) {
      json[field.name] = (value as JsonValue[]).map(Number);
    } else if (field.fieldKind === 'list' && field.listKind === 'message') {
      for (const item of value as JsonObject[]) numbersFor64BitFields(field.message, item);
    }
  }
  return json;
}
