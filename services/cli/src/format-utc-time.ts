/** A Unix time in milliseconds as `2024-05-01 12:34:56`, in UTC to the second, for tables. */
export function formatUtcTime(unixMs: bigint): string {
  return new Date(Number(unixMs)).toISOString().replace('T', ' ').slice(0, 19);
}
