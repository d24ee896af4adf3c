/**
 * Writes one progress line to stderr. Results go to stdout, so `pnpm bench <name> > results.txt`
 * keeps only the figures.
 */
export function reportProgress(line: string): void {
  process.stderr.write(`${line}\n`);
}
