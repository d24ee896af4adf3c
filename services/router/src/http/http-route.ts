import type { IncomingMessage } from 'node:http';
import type { InferenceServiceOptions } from '../grpc-server.js';
import type { EncodedBody } from './encode-infer-response.js';

/** One HTTP call as a route's handler sees it. */
export interface HttpCall {
  request: IncomingMessage;
  /** The route's path parameters, percent-decoded (`name`, `version`). */
  params: Readonly<Record<string, string | undefined>>;
}

/** A handler's answer. */
export interface HttpReply extends EncodedBody {
  status: number;
}

/** An endpoint: method, path template (find-my-way syntax; also the metrics label) and handler. */
export interface HttpRoute {
  method: 'GET' | 'POST';
  template: string;
  handle(call: HttpCall): Promise<HttpReply>;
}

export interface HttpRoutesOptions extends InferenceServiceOptions {
  /** Largest request body, in bytes. */
  maxBodyBytes: number;
  /** Whether this door is draining: readiness answers false while in-flight calls finish. */
  isStopping: () => boolean;
}

/** The path of a model, and of one version of it. */
export const MODEL = '/v2/models/:name';
export const MODEL_VERSION = '/v2/models/:name/versions/:version';

/** A JSON answer. */
export function json(status: number, value: unknown): HttpReply {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) };
}

/** The model name and version the path names ('' when the path has no version). */
export function targetOf(call: HttpCall) {
  return { name: call.params.name ?? '', version: call.params.version ?? '' };
}
