import type { DescEnum } from '@bufbuild/protobuf';

/**
 * The short lowercase names of an enum's values, without the prefix protobuf-es strips and without
 * UNSPECIFIED: for Modality, `text → 1, image → 2, …`. Used for flags, file shorthands and tables.
 */
export function enumChoices(descriptor: DescEnum): ReadonlyMap<string, number> {
  return new Map(
    descriptor.values
      .filter((value) => value.number !== 0)
      .map((value) => [value.localName.toLowerCase(), value.number] as const),
  );
}

/** The short lowercase name of one value, e.g. `structured`; `-` for UNSPECIFIED or unknown numbers. */
export function enumShortName(descriptor: DescEnum, number: number): string {
  const value = descriptor.values.find((candidate) => candidate.number === number);
  return value === undefined || value.number === 0 ? '-' : value.localName.toLowerCase();
}
