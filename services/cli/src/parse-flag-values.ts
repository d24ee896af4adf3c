import { envDurationMs } from '@switchboard/config';
import { InvalidArgumentError } from 'commander';

/** Largest value of a uint32 protobuf field. */
const MAX_UINT32 = 0xffff_ffff;

/** A tensor as `--input`/`--output` give it, in the form protobuf-es `create` accepts. */
export interface TensorFlag {
  name: string;
  datatype: string;
  shape: bigint[];
}

/**
 * Parses `name:DATATYPE:dims`, e.g. `features:FP32:-1,4`; dims may be left out for a scalar.
 * Whether the datatype and dimensions are valid is the registry's call, so its message applies.
 * @throws InvalidArgumentError (commander's) when the text does not have that form.
 */
export function parseTensorFlag(text: string): TensorFlag {
  const [name = '', datatype = '', dims, ...extra] = text.split(':');
  if (name === '' || datatype === '' || extra.length > 0) {
    throw new InvalidArgumentError('expected name:DATATYPE:dims, e.g. features:FP32:-1,4');
  }
  const shape =
    dims === undefined || dims === '' ? [] : dims.split(',').map((dim) => parseDimension(dim.trim()));
  return { name, datatype, shape };
}

function parseDimension(text: string): bigint {
  if (!/^-?\d+$/.test(text)) throw new InvalidArgumentError(`dimension "${text}" is not a whole number`);
  return BigInt(text);
}

/** Parses `key=value` (the value may be empty or contain '='). @throws InvalidArgumentError without '=' or key. */
export function parseKeyValue(text: string): [string, string] {
  const separator = text.indexOf('=');
  if (separator <= 0) throw new InvalidArgumentError('expected key=value');
  return [text.slice(0, separator), text.slice(separator + 1)];
}

/** Parses a whole number >= 0 that fits a uint32 field. @throws InvalidArgumentError otherwise. */
export function parseCount(text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value > MAX_UINT32)
    throw new InvalidArgumentError('expected a whole number >= 0');
  return value;
}

/** Parses a comma-separated list of counts such as `4,8,16`. @throws InvalidArgumentError otherwise. */
export function parseCountList(text: string): number[] {
  try {
    return text.split(',').map((part) => parseCount(part.trim()));
  } catch {
    throw new InvalidArgumentError('expected whole numbers >= 0 separated by commas, e.g. 4,8,16');
  }
}

/**
 * Parses a duration such as `500ms`, `2s`, `10m` or `1h` (a bare number is milliseconds) into
 * milliseconds that fit a uint32 field; `0` is allowed.
 * @throws InvalidArgumentError otherwise.
 */
export function parseDurationMs(text: string): number {
  const parsed = envDurationMs(0).safeParse(text);
  if (text.trim() === '' || !parsed.success || parsed.data > MAX_UINT32) {
    throw new InvalidArgumentError('expected a duration such as 500ms, 2s, 10m or 1h');
  }
  return parsed.data;
}

/** Parses a duration as {@link parseDurationMs} does into whole seconds. @throws InvalidArgumentError otherwise. */
export function parseDurationSeconds(text: string): number {
  const milliseconds = parseDurationMs(text);
  if (milliseconds % 1000 !== 0)
    throw new InvalidArgumentError('expected whole seconds, such as 90s, 10m or 1h');
  return milliseconds / 1000;
}

/** Parses a whole number for an int64 field; negative values are left for the registry to judge. */
export function parseInt64(text: string): bigint {
  if (!/^-?\d+$/.test(text)) throw new InvalidArgumentError('expected a whole number');
  return BigInt(text);
}

/** Parses a finite decimal number. @throws InvalidArgumentError otherwise. */
export function parseDecimal(text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new InvalidArgumentError('expected a number');
  return value;
}

/** Builds a parser that accepts one of `names` (case-insensitive) and returns its value. */
export function parseChoice<T>(choices: ReadonlyMap<string, T>): (text: string) => T {
  return (text) => {
    const value = choices.get(text.toLowerCase());
    if (value === undefined)
      throw new InvalidArgumentError(`expected one of: ${[...choices.keys()].join(', ')}`);
    return value;
  };
}

/** Wraps a parser so a repeatable flag collects every occurrence, in order. */
export function collect<T>(parse: (text: string) => T): (text: string, previous: T[] | undefined) => T[] {
  return (text, previous) => [...(previous ?? []), parse(text)];
}
