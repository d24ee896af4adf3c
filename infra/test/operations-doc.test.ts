import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { markdownAnchors } from './support/markdown-anchors.js';
import { repositoryPath } from './support/repository-path.js';

const DOCUMENT = 'docs/operations.md';

/** The targets of the Markdown links `[text](target)` of a text, fenced code skipped. */
function linkTargets(markdown: string): string[] {
  const prose = markdown.replace(/^```[\s\S]*?^```/gm, '');
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map(([, target = '']) => target);
}

describe('docs/operations.md', () => {
  it('links only to its own headings and to files that exist in the repository', () => {
    const markdown = readFileSync(repositoryPath(DOCUMENT), 'utf8');
    const anchors = markdownAnchors(markdown);
    const targets = linkTargets(markdown).filter((target) => !/^https?:/.test(target));
    expect(targets.length).toBeGreaterThan(20);
    const broken = targets.filter((target) => {
      const [path = '', anchor] = target.split('#');
      if (path === '') return !anchors.has(anchor ?? '');
      return !existsSync(join(dirname(repositoryPath(DOCUMENT)), path));
    });
    expect(broken).toEqual([]);
  });
});
