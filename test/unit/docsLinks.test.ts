import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';

// Every relative link of README.md and docs/**/*.md must point at a file of the repository, and a
// `#anchor` at a heading of the page it names, so moving or renaming a page cannot leave dead links.

const ROOT = join(import.meta.dirname, '../..');

/**
 * Pages other work writes (the generated configuration reference, the handler internals) that the README
 * and docs/README.md already link to. Links to these are accepted while they do not exist yet.
 * Empty this list once those pages are merged: from then on their links are checked like any other.
 */
const PENDING_PAGES: readonly string[] = [];

interface Page {
  /** Repository-relative path with `/` separators. */
  readonly path: string;
  readonly text: string;
}

/** Markdown text without fenced code blocks (their `#` lines are no headings, their brackets no links). */
function withoutFences(text: string): string[] {
  const lines: string[] = [];
  let fenced = false;
  for (const line of text.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) {
      fenced = !fenced;
      continue;
    }
    if (!fenced) lines.push(line);
  }
  return lines;
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as `-`, repeats numbered. */
function headingAnchors(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of withoutFences(text)) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const base = (heading[1] ?? '')
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

/** The `[text](target)` and `![alt](target)` targets of a page, outside code. */
function linkTargets(text: string): string[] {
  const targets: string[] = [];
  for (const line of withoutFences(text)) {
    const prose = line.replace(/`[^`]*`/g, '``');
    for (const match of prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      targets.push(match[1] as string);
    }
  }
  return targets;
}

/** One line per broken relative link: the page, the link as written, and what is missing. */
function brokenLinks(
  pages: readonly Page[],
  fileExists: (path: string) => boolean,
  readPage: (path: string) => string,
) {
  const broken: string[] = [];
  for (const page of pages) {
    for (const target of linkTargets(page.text)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
      const [file = '', anchor] = target.split('#', 2);
      const path = file === '' ? page.path : normalize(join(dirname(page.path), file)).replaceAll('\\', '/');
      if (path.startsWith('..')) {
        broken.push(`${page.path}: (${target}) leaves the repository`);
        continue;
      }
      if (!fileExists(path)) {
        if (!PENDING_PAGES.includes(path)) broken.push(`${page.path}: (${target}) → ${path} does not exist`);
        continue;
      }
      if (anchor !== undefined && path.endsWith('.md') && !headingAnchors(readPage(path)).has(anchor)) {
        broken.push(`${page.path}: (${target}) → no heading #${anchor} in ${path}`);
      }
    }
  }
  return broken;
}

function repositoryPages(): Page[] {
  const docs = readdirSync(join(ROOT, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name.replaceAll('\\', '/')}`);
  return ['README.md', ...docs.sort()].map((path) => ({
    path,
    text: readFileSync(join(ROOT, path), 'utf8'),
  }));
}

const inRepository = {
  fileExists: (path: string) => existsSync(join(ROOT, path)),
  readPage: (path: string) => readFileSync(join(ROOT, path), 'utf8'),
};

describe('links of README.md and docs/', () => {
  it('every relative link names a file of the repository, and every anchor a heading of its page', () => {
    // Prepare
    const pages = repositoryPages();

    // Act
    const broken = brokenLinks(pages, inRepository.fileExists, inRepository.readPage);

    // Assess
    expect(pages.map((page) => page.path)).toContain('docs/README.md');
    expect(broken).toEqual([]);
  });

  it('lists every page of docs/ in docs/README.md', () => {
    // Prepare
    const pages = repositoryPages().filter(
      (page) => page.path.startsWith('docs/') && page.path !== 'docs/README.md',
    );
    const index = new Set(
      linkTargets(inRepository.readPage('docs/README.md')).map((target) => `docs/${target.split('#')[0]}`),
    );

    // Act
    const unlisted = pages.map((page) => page.path).filter((path) => !index.has(path));

    // Assess
    expect(unlisted).toEqual([]);
  });
});

describe('brokenLinks', () => {
  const pages: Page[] = [
    {
      path: 'docs/a.md',
      text: [
        '# Page A',
        '## What `npm start` shows',
        'See [b](b.md#second-part), [a](#what-npm-start-shows), [web](https://example.com) and `[x](nowhere.md)`.',
        '```sh',
        '[not a link](missing-in-code.md)',
        '```',
        'Broken: [c](c.md), [anchor](b.md#no-such-part), [up](../../outside.md), [img](../img/x.png).',
      ].join('\n'),
    },
    { path: 'docs/b.md', text: '# B\n\n## Second part\n\n## Second part\n' },
  ];
  const files = new Set(['docs/a.md', 'docs/b.md']);

  it('names each broken link with its page and skips code, URLs and good anchors', () => {
    // Act
    const broken = brokenLinks(
      pages,
      (path) => files.has(path),
      (path) => pages.find((page) => page.path === path)?.text ?? '',
    );

    // Assess
    expect(broken).toEqual([
      'docs/a.md: (c.md) → docs/c.md does not exist',
      'docs/a.md: (b.md#no-such-part) → no heading #no-such-part in docs/b.md',
      'docs/a.md: (../../outside.md) leaves the repository',
      'docs/a.md: (../img/x.png) → img/x.png does not exist',
    ]);
  });

  it('numbers repeated headings as GitHub does', () => {
    expect([...headingAnchors('# B\n## Second part\n## Second part\n### `code` & [link](x.md)!')]).toEqual([
      'b',
      'second-part',
      'second-part-1',
      'code--link',
    ]);
  });
});
