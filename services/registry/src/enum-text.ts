import type { DescEnum } from '@bufbuild/protobuf';
import { enumFromShortName, enumToShortName } from '@switchboard/protocol';

/**
 * How Postgres stores an enum value: its short name (see `enumToShortName`), so tables read well
 * in psql (`Modality.STRUCTURED` → "structured", `SelectionObjective.BEST_QUALITY` →
 * "best_quality"). Unknown numbers become "unspecified"; validation rejects them before storage.
 */
export function enumToText(descriptor: DescEnum, value: number): string {
  return enumToShortName(descriptor, value) ?? 'unspecified';
}

/** The enum value stored as `text` (see {@link enumToText}), or `fallback` for text it does not know. */
export function enumFromText<T extends number>(descriptor: DescEnum, text: string, fallback: T): T {
  return (enumFromShortName(descriptor, text)?.number ?? fallback) as T;
}
