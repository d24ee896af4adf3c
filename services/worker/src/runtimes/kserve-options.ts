import { FailedPreconditionError } from '@switchboard/errors';
import type { ModelSpec } from '@switchboard/protocol';

/** The complete runtime options of a `kserve` model. */
export interface ResolvedKserveOptions {
  /** host:port of the upstream's gRPC endpoint. */
  readonly address: string;
  /** The model's name upstream. @default the spec's name */
  readonly modelName: string;
  /** The model's version upstream; empty lets the upstream choose. @default '' */
  readonly modelVersion: string;
  /** Deadline of each upstream call, milliseconds. @default 30000 */
  readonly timeoutMs: number;
  /** Calls one loaded model has in flight at most; further batches wait. @default 4 */
  readonly maxInFlight: number;
  /** Whether the channel uses TLS (with the system's root certificates). @default false */
  readonly tls: boolean;
}

/** @see ResolvedKserveOptions.timeoutMs */
const DEFAULT_KSERVE_TIMEOUT_MS = 30_000;
/** @see ResolvedKserveOptions.maxInFlight */
const DEFAULT_KSERVE_MAX_IN_FLIGHT = 4;

const KNOWN_OPTIONS = ['address', 'model_name', 'model_version', 'timeout_ms', 'max_in_flight', 'tls'];

/** host:port, [ipv6]:port, or a grpc-js target such as dns:///host:port or unix:///path. */
const ADDRESS_PATTERN = /^(\[[0-9a-f:.]+\]|[^\s:/[\]]+):\d{1,5}$|^(dns|unix|ipv4|ipv6):\S+$/i;
const POSITIVE_INTEGER_PATTERN = /^[1-9]\d*$/;

function refuse(spec: ModelSpec, text: string): never {
  throw new FailedPreconditionError(`kserve model ${spec.name}: runtime option ${text}`);
}

function readPositiveInteger(spec: ModelSpec, key: string, fallback: number): number {
  const text = spec.runtimeOptions[key] ?? '';
  if (text === '') return fallback;
  const value = Number(text);
  if (!POSITIVE_INTEGER_PATTERN.test(text) || !Number.isSafeInteger(value)) {
    refuse(spec, `${key}="${text}" must be an integer > 0`);
  }
  return value;
}

function readTls(spec: ModelSpec): boolean {
  const text = spec.runtimeOptions['tls'] ?? '';
  if (text === '' || text === 'false') return false;
  if (text === 'true') return true;
  refuse(spec, `tls="${text}" must be true or false`);
}

/**
 * Reads a `kserve` model's runtime options: `address` is required; `model_name`, `model_version`,
 * `timeout_ms`, `max_in_flight` and `tls` are optional. An empty value counts as absent, as in the
 * other runtimes.
 * @throws FailedPreconditionError naming the option when one is missing, malformed or unknown (a
 *   misspelt optional option would otherwise be ignored without a word).
 */
export function parseKserveOptions(spec: ModelSpec): ResolvedKserveOptions {
  const options = spec.runtimeOptions;
  const unknown = Object.keys(options).find((key) => !KNOWN_OPTIONS.includes(key));
  if (unknown !== undefined) {
    refuse(spec, `${unknown} is not known; the options are ${KNOWN_OPTIONS.join(', ')}`);
  }
  const address = options['address'] ?? '';
  if (address === '') refuse(spec, 'address is required, e.g. address="triton:8001"');
  if (!ADDRESS_PATTERN.test(address)) {
    refuse(spec, `address="${address}" must be host:port, e.g. triton:8001`);
  }
  return {
    address,
    modelName: options['model_name'] || spec.name,
    modelVersion: options['model_version'] ?? '',
    timeoutMs: readPositiveInteger(spec, 'timeout_ms', DEFAULT_KSERVE_TIMEOUT_MS),
    maxInFlight: readPositiveInteger(spec, 'max_in_flight', DEFAULT_KSERVE_MAX_IN_FLIGHT),
    tls: readTls(spec),
  };
}
