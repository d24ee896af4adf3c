import { InvalidArgumentError } from '@switchboard/errors';
import type { JsonObject } from './json-parameters.js';

/** The JSON object at the start of a request body, and how many bytes it took. */
export interface JsonHeader {
  json: JsonObject;
  jsonBytes: number;
}

/** How much of a parse error (which quotes the body around the fault) a refusal repeats. */
const MAX_PARSE_MESSAGE_CHARACTERS = 160;

/**
 * Parses the JSON object a KServe v2 body starts with: the whole body, or its first
 * `Inference-Header-Content-Length` bytes when binary data follows. `example` shows the caller
 * what the object looks like when it sent something else.
 * @throws InvalidArgumentError when the length header is malformed or past the body, or the JSON is
 *   invalid or not an object.
 */
export function parseJsonHeader(
  body: Buffer,
  headerLength: string | undefined,
  example = '{"inputs": [{"name", "shape", "datatype", "data"}], …}',
): JsonHeader {
  let jsonBytes = body.length;
  if (headerLength !== undefined) {
    jsonBytes = Number(headerLength);
    if (!/^\d+$/.test(headerLength) || jsonBytes > body.length) {
      throw new InvalidArgumentError(
        `Inference-Header-Content-Length is ${JSON.stringify(headerLength.slice(0, 32))}; it must be the ` +
          `byte length of the JSON at the start of the body, at most the ${body.length} bytes sent`,
      );
    }
  }
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8', 0, jsonBytes));
  } catch (error) {
    const reason = (error as Error).message.slice(0, MAX_PARSE_MESSAGE_CHARACTERS);
    throw new InvalidArgumentError(`the request body is not valid JSON: ${reason}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new InvalidArgumentError(`the request body must be a JSON object: ${example}`);
  }
  return { json: json as JsonObject, jsonBytes };
}
