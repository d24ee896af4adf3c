import type { DescEnum, DescEnumValue } from '@bufbuild/protobuf';

/**
 * The short name of an enum value: its name in lowercase without the prefix protobuf-es strips
 * (`Modality.STRUCTURED` → "structured", `SelectionObjective.BEST_QUALITY` → "best_quality", 0 →
 * "unspecified"). Undefined for a number the enum does not have.
 */
export function enumToShortName(descriptor: DescEnum, number: number): string | undefined {
  return descriptor.values.find((value) => value.number === number)?.localName.toLowerCase();
}

/**
 * The enum value whose short name (see {@link enumToShortName}) is `shortName`, or undefined.
 * Short names are lowercase and the match is exact, so lowercase input that may come in any case.
 */
export function enumFromShortName(descriptor: DescEnum, shortName: string): DescEnumValue | undefined {
  return descriptor.values.find((value) => value.localName.toLowerCase() === shortName);
}
