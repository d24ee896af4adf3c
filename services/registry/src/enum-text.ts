/** One value of a protobuf enum as protobuf-es describes it. */
interface EnumValue {
  number: number;
  localName: string;
}

/**
 * How Postgres stores an enum value: its lowercase name without the enum's prefix, so tables read
 * well in psql (`Modality.STRUCTURED` → "structured", `SelectionObjective.BEST_QUALITY` →
 * "best_quality"). Unknown numbers become "unspecified"; validation rejects them before storage.
 */
export function enumToText(values: readonly EnumValue[], value: number): string {
  return (values.find((candidate) => candidate.number === value)?.localName ?? 'UNSPECIFIED').toLowerCase();
}

/** The enum value stored as `text` (see {@link enumToText}), or `fallback` for text it does not know. */
export function enumFromText<T extends number>(values: readonly EnumValue[], text: string, fallback: T): T {
  return (values.find((candidate) => candidate.localName.toLowerCase() === text)?.number ?? fallback) as T;
}
