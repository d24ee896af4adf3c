import type { parseArgs } from 'node:util';

/** One token of `parseArgs(..., tokens: true)`. */
export type ParsedToken = NonNullable<ReturnType<typeof parseArgs>['tokens']>[number];

/**
 * Files of multi-file flags: `--train a b` and `--train a --train b` both work, so bare words after
 * one of `flags` belong to it; a bare word anywhere else is an error.
 * @throws Error naming the stray argument.
 */
export function collectFileFlags(
  tokens: readonly ParsedToken[],
  flags: readonly string[],
): Map<string, string[]> {
  const files = new Map<string, string[]>();
  let last: string | undefined;
  for (const token of tokens) {
    if (token.kind === 'option') {
      last = flags.includes(token.name) ? token.name : undefined;
      if (last !== undefined && token.value !== undefined)
        files.set(last, [...(files.get(last) ?? []), token.value]);
    } else if (token.kind === 'positional') {
      if (last === undefined) throw new Error(`unexpected argument "${token.value}"`);
      files.set(last, [...(files.get(last) ?? []), token.value]);
    }
  }
  return files;
}
