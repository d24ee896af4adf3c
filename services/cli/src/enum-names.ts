import type { DescEnum } from '@bufbuild/protobuf';
import { enumToShortName } from '@switchboard/protocol';

/**
 * The short lowercase names of an enum's values, without the prefix protobuf-es strips and without
 * UNSPECIFIED: for Modality, `text → 1, image → 2, …`. Used for flags, file shorthands and tables.
 */
export function enumChoices(descriptor: DescEnum): ReadonlyMap<string, number> {
  const choices = new Map<string, number>();
  for (const { number } of descriptor.values) {
    const name = enumToShortName(descriptor, number);
    if (number !== 0 && name !== undefined) choices.set(name, number);
  }
  return choices;
}

/** The short lowercase name of one value, e.g. `structured`; `-` for UNSPECIFIED or unknown numbers. */
export function enumShortName(descriptor: DescEnum, number: number): string {
  return number === 0 ? '-' : (enumToShortName(descriptor, number) ?? '-');
}
