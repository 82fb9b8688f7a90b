/**
 * Writes docs/performance.md and the README's performance block from the kept runs (`npm run docs`, and
 * `npm run bench` after a full run); test/unit/performanceDocs.test.ts fails when either is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readKeptRuns, readKeptSoaks } from './keptRuns';
import { renderPerformancePage, renderReadme } from './performancePage';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const PERFORMANCE_PAGE = `${ROOT}docs/performance.md`;
export const README = `${ROOT}README.md`;
export const RESULTS_DIR = `${ROOT}bench/results`;

/** The generated texts of both files from the kept runs. */
export function generatedPerformanceDocs(): { page: string; readme: string } {
  const runs = readKeptRuns(RESULTS_DIR);
  return {
    page: renderPerformancePage(runs, readKeptSoaks(RESULTS_DIR)),
    readme: renderReadme(readFileSync(README, 'utf8'), runs),
  };
}

/** Writes both files; returns the paths that changed. */
export function writePerformanceDocs(): string[] {
  const generated = generatedPerformanceDocs();
  const changed: string[] = [];
  for (const [path, text] of [
    [PERFORMANCE_PAGE, generated.page],
    [README, generated.readme],
  ] as const) {
    if (readFileSync(path, 'utf8') !== text) {
      writeFileSync(path, text);
      changed.push(path);
    }
  }
  return changed;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const changed = writePerformanceDocs();
  process.stdout.write(
    changed.length === 0 ? 'performance docs up to date\n' : `wrote ${changed.join(', ')}\n`,
  );
}
