/**
 * Parses the `key1=value1,key2=value2` lists of OTEL_RESOURCE_ATTRIBUTES and
 * OTEL_EXPORTER_OTLP_HEADERS; values are percent-decoded as the OpenTelemetry spec says. A
 * malformed entry is skipped with a warning that names the variable and the entry's position but
 * never its value, because header values are often credentials.
 */
export function parseKeyValueList(
  value: string,
  variable: string,
  warnings: string[],
): Record<string, string> {
  const entries: Record<string, string> = {};
  value.split(',').forEach((entry, index) => {
    if (entry.trim() === '') return;
    const separator = entry.indexOf('=');
    const key = separator > 0 ? entry.slice(0, separator).trim() : '';
    const decoded = key === '' ? undefined : decodeValue(entry.slice(separator + 1).trim());
    if (decoded === undefined) {
      warnings.push(`${variable}: entry ${index + 1} is not key=value (percent-encoded); ignoring it`);
      return;
    }
    entries[key] = decoded;
  });
  return entries;
}

function decodeValue(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    // A stray % makes decodeURIComponent throw; the caller reports the entry as malformed.
    return undefined;
  }
}
