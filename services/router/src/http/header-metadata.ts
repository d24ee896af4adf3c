import type { IncomingMessage } from 'node:http';
import type { CallMetadata } from '../call-metadata.js';

/**
 * The request's HTTP headers as call metadata, one to one: `authorization: Bearer <key>` and
 * `x-api-key` authenticate as their gRPC metadata twins do, and every header counts towards
 * ROUTER_MAX_METADATA_BYTES.
 */
export function headerMetadata(request: IncomingMessage): CallMetadata {
  return {
    get(key) {
      const value = request.headers[key];
      if (value === undefined) return [];
      return typeof value === 'string' ? [value] : value;
    },
    toJSON() {
      // No prototype: a header named __proto__ is just a header.
      const entries = Object.create(null) as Record<string, string[]>;
      const raw = request.rawHeaders;
      for (let index = 0; index + 1 < raw.length; index += 2) {
        const key = (raw[index] as string).toLowerCase();
        (entries[key] ??= []).push(raw[index + 1] as string);
      }
      return entries;
    },
  };
}
