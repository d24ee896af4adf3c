import GithubSlugger from 'github-slugger';

/** The anchors GitHub gives the headings of a Markdown text (fenced code skipped), duplicates numbered as GitHub does. */
export function markdownAnchors(markdown: string): Set<string> {
  const slugger = new GithubSlugger();
  const anchors = new Set<string>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const heading = fenced ? null : /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line);
    if (heading?.[1] !== undefined) anchors.add(slugger.slug(heading[1]));
  }
  return anchors;
}
