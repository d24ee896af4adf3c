/** Debian's own mirror, when apt's sources name none. */
export const DEFAULT_DEBIAN_MIRROR = 'http://deb.debian.org/debian';

/**
 * The Debian archive apt already uses, from the text of its source files (deb822 `.sources` with
 * `URIs:` or one-line `deb URL suite …`): the first URI of the main archive, not the security one.
 * Undefined when none is found.
 */
export function findDebianMirror(sourceFiles: readonly string[]): string | undefined {
  for (const text of sourceFiles) {
    for (const line of text.split('\n')) {
      const trimmed = line.trim();
      if (trimmed.startsWith('#')) continue;
      const deb822 = /^URIs:\s*(.+)$/i.exec(trimmed);
      const oneLine = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s/.exec(trimmed);
      const uris = deb822?.[1]?.split(/\s+/) ?? (oneLine?.[1] === undefined ? [] : [oneLine[1]]);
      const mirror = uris.find((uri) => /^https?:\/\//.test(uri) && !/security/.test(uri));
      if (mirror !== undefined) return mirror.replace(/\/+$/, '');
    }
  }
  return undefined;
}
