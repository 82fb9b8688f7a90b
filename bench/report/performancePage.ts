/**
 * Generates docs/performance.md and the README's "Performance at a glance" from the kept runs in
 * bench/results: the prose lives in templates beside this file, every number in them is a placeholder filled
 * from the newest full run (or a spread over all kept full runs), and a placeholder naming a figure the run
 * lacks fails the generation. `npm run docs` writes both; a unit test fails when either is stale.
 *
 * Placeholders: `{{fig:NAME}}` value and unit, `{{num:NAME}}` value only, `{{detail:NAME:KEY}}` a detail
 * field; NAME may list alternatives `a|b` (a figure renamed between runs: the first the run has wins).
 * `{{gapMs:A;B}}` is the per-1000-record time between two throughput figures; `{{atLeast:NAME;N}}` says
 * `met` or `missed` of a floor the docs hold a figure to (a run may have recorded its target elsewhere). `{{run.*}}`, `{{quick.*}}`,
 * `{{table.*}}` and `{{targets}}` are whole lines or phrases (see `renderTemplate`).
 */
import { readFileSync } from 'node:fs';
import type { Figure } from '../harness';
import { figuresTable, median, meetsTarget } from '../harness';
import { costTables } from './costModel';
import { fullRuns, type KeptRun, type KeptSoak } from './keptRuns';
import { PRICES } from './prices';

export const README_BEGIN = '<!-- performance:begin (generated from bench/results by `npm run docs`) -->';
export const README_END = '<!-- performance:end -->';

const TEMPLATES = {
  page: new URL('./performance.template.md', import.meta.url),
  readme: new URL('./readme.template.md', import.meta.url),
} as const;

/** A missed target as the docs list it: the ratio and target (for an absolute goal, its value and the goal too). */
function missedTarget(figure: Figure): string {
  const target = `target ${figure.targetIsCeiling ? '≤' : '≥'} ${figure.target}`;
  if (figure.baseline?.startsWith('goal '))
    return `${figure.value} ${figure.unit}, ${figure.ratio}× the goal, ${target} × ${figure.baseline.slice(5)} ${figure.unit}`;
  return `${figure.ratio ?? figure.value}, ${target}`;
}

/** Groups digits of integers from 10 000 up with a space, as the docs write them. */
export function formatNumber(value: number): string {
  if (!Number.isInteger(value) || Math.abs(value) < 10_000) return String(value);
  return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}

function findFigure(run: KeptRun, names: string): Figure {
  for (const name of names.split('|')) {
    const figure = run.report.figures.find((f) => f.name === name);
    if (figure) return figure;
  }
  throw new Error(
    `${run.file} has no figure named ${names
      .split('|')
      .map((n) => `"${n}"`)
      .join(' or ')}`,
  );
}

const withUnit = (figure: Figure) =>
  figure.unit === 'x' ? `${figure.value}×` : `${formatNumber(figure.value)} ${figure.unit}`;

/** Sum of a run's benchmark times, and each benchmark's time. */
function benchmarkSeconds(run: KeptRun): { total: string; list: string } {
  const total = run.report.benchmarks.reduce((sum, b) => sum + b.seconds, 0);
  const list = run.report.benchmarks.map((b) => `${b.name} ${b.seconds} s`).join('; ');
  return { total: `${Math.round(total * 10) / 10} s`, list };
}

function machineText(run: KeptRun): string {
  const m = run.report.machine;
  const load = run.report.machine.loadAverage;
  const loadText = load ? `, load average ${load.start} at the start and ${load.end} at the end` : '';
  return `${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, Node ${m.node}${loadText}`;
}

function targetsText(run: KeptRun): string {
  const missed = run.report.figures.filter((f) => !meetsTarget(f));
  const failures = run.report.failures.map((f) => f.benchmark);
  const parts = [
    missed.length === 0
      ? 'every target this run recorded was met'
      : `targets this run recorded and missed: ${missed.map((f) => `${f.name} (${missedTarget(f)})`).join('; ')}`,
    failures.length === 0 ? 'no benchmark failed' : `benchmarks that failed: ${failures.join(', ')}`,
  ];
  return `${parts.join('; ')}.`;
}

/** Every figure of the newest run with its spread over the kept full runs that have it. */
export function spreadsTable(runs: readonly KeptRun[], newest: KeptRun): string {
  const rows = newest.report.figures.map((figure) => {
    const values = runs
      .map((run) => run.report.figures.find((f) => f.name === figure.name)?.value)
      .filter((v): v is number => v !== undefined);
    const spread =
      values.length < 2
        ? ''
        : `${formatNumber(Math.min(...values))} – ${formatNumber(Math.max(...values))}, median ${formatNumber(median(values))}`;
    return `| ${figure.name} | ${withUnit(figure)} | ${values.length} | ${spread} |`;
  });
  return [
    '| figure | newest run | kept runs with it | spread (min – max) |',
    '| --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

interface RenderContext {
  readonly runs: readonly KeptRun[];
  /** The newest kept soak, when the page quotes one. */
  readonly soak?: KeptSoak;
  readonly newest: KeptRun;
  readonly quick?: KeptRun;
  /** Path from the rendered file to the repository root (`../` for docs/). */
  readonly root: string;
}

function renderTemplate(template: string, context: RenderContext): string {
  const { newest, quick, runs, root, soak } = context;
  const link = (run: KeptRun) => `[\`${run.file}\`](${root}${run.file})`;
  const seconds = benchmarkSeconds(newest);
  const fixed: Record<string, () => string> = {
    'run.link': () => link(newest),
    'run.file': () => newest.file,
    'run.when': () => `${newest.report.date.slice(0, 10)} ${newest.report.date.slice(11, 16)} UTC`,
    'run.machine': () => machineText(newest),
    'run.benchmarkSeconds': () => seconds.total,
    'run.benchmarkList': () => seconds.list,
    'runs.count': () => String(runs.length),
    'runs.list': () => runs.map(link).join(', '),
    'quick.link': () => (quick ? link(quick) : 'no quick run kept'),
    'quick.benchmarkSeconds': () => (quick ? benchmarkSeconds(quick).total : 'n/a'),
    'table.recorded': () => figuresTable(newest.report.figures),
    'table.spreads': () => spreadsTable(runs, newest),
    'table.cost': () => costTables(newest),
    'prices.checked': () => PRICES.checked,
    'prices.region': () => PRICES.region,
    'prices.sources': () =>
      [PRICES.lambda.source, PRICES.pipes.source, PRICES.mskConnect.source].map((s) => `\`${s}\``).join('; '),
    targets: () => targetsText(newest),
    ...soakPlaceholders(soak, root),
  };
  return template.replace(/\{\{([^}]+)\}\}/g, (_match, key: string) => {
    const fixedValue = fixed[key];
    if (fixedValue) return fixedValue();
    const [kind, ...rest] = key.split(':');
    const argument = rest.join(':');
    if (kind === 'soak') return soakValue(soak, argument);
    if (kind === 'fig') return withUnit(findFigure(newest, argument));
    if (kind === 'num') return formatNumber(findFigure(newest, argument).value);
    if (kind === 'detail') {
      const at = argument.lastIndexOf(':');
      const value = findFigure(newest, argument.slice(0, at)).detail?.[argument.slice(at + 1)];
      if (value === undefined) throw new Error(`${newest.file}: "${argument}" has no such detail`);
      return typeof value === 'number' ? formatNumber(value) : value;
    }
    if (kind === 'atLeast') {
      const [names = '', floor = ''] = argument.split(';');
      return findFigure(newest, names).value >= Number(floor) ? 'met' : 'missed';
    }
    if (kind === 'gapMs') {
      const [a = '', b = ''] = argument.split(';');
      const gap = 1000 / findFigure(newest, a).value - 1000 / findFigure(newest, b).value;
      return `${(gap * 1000).toFixed(1)} ms`;
    }
    throw new Error(`unknown placeholder {{${key}}}`);
  });
}

function context(runs: readonly KeptRun[], root: string, soaks: readonly KeptSoak[] = []): RenderContext {
  const full = fullRuns(runs);
  const soak = soaks.at(-1);
  const newest = full.at(-1);
  if (!newest) throw new Error('no full benchmark run kept in bench/results');
  const quick = runs.filter((run) => run.report.quick).at(-1);
  return { runs: full, newest, root, ...(quick ? { quick } : {}), ...(soak ? { soak } : {}) };
}

/** docs/performance.md from the kept runs. */
export function renderPerformancePage(runs: readonly KeptRun[], soaks: readonly KeptSoak[] = []): string {
  return renderTemplate(readFileSync(TEMPLATES.page, 'utf8'), context(runs, '../', soaks));
}

/** README.md with its generated block replaced; throws when the markers are missing. */
export function renderReadme(readme: string, runs: readonly KeptRun[]): string {
  const begin = readme.indexOf(README_BEGIN);
  const end = readme.indexOf(README_END);
  if (begin < 0 || end < begin)
    throw new Error(`README.md lacks the ${README_BEGIN} … ${README_END} markers`);
  const block = renderTemplate(readFileSync(TEMPLATES.readme, 'utf8'), context(runs, ''));
  return `${readme.slice(0, begin + README_BEGIN.length)}\n${block.trimEnd()}\n${readme.slice(end)}`;
}

/** A field of the newest soak by dotted path (`rssMiB.kafka.startMiB`); fails when the page quotes a gap. */
function soakValue(soak: KeptSoak | undefined, path: string): string {
  if (!soak) throw new Error(`the page quotes the soak's ${path}, and no soak result is kept`);
  let value: unknown = soak.result;
  for (const key of path.split('.')) value = (value as Record<string, unknown> | undefined)?.[key];
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'string' || typeof value === 'boolean') return String(value);
  throw new Error(`${soak.file} has no ${path}`);
}

const SERVER_LABELS: Readonly<Record<string, string>> = {
  kafka: 'Kafka',
  redis: 'redis-server',
  moto: 'moto',
  kinesis: 'kinesis-mock',
};

/** The soak's whole-line placeholders: its link, machine, verdict, faults, TTL deletes and RSS table. */
function soakPlaceholders(soak: KeptSoak | undefined, root: string): Record<string, () => string> {
  if (!soak) return {};
  const r = soak.result as Record<string, unknown> & {
    machine?: { cpus?: number; cpuModel?: string; memoryGiB?: number; node?: string; loadAverage?: number };
    faults?: readonly { kind: string; ms: number; failed?: boolean; error?: string }[];
    rssMiB?: Record<string, { startMiB: number; middleMiB: number; endMiB: number; flat: boolean }>;
    rssBound?: { growthShare: number; slackMiB: number };
    ttlExpiredEnvelopes?: { byTopic?: Record<string, number> };
    warmupSeconds?: number;
    rateSource?: string;
    ok?: boolean;
    failures?: readonly unknown[];
  };
  const faults = r.faults ?? [];
  const byKind = new Map<string, number>();
  for (const fault of faults) byKind.set(fault.kind, (byKind.get(fault.kind) ?? 0) + 1);
  const failed = faults.filter((f) => f.failed || f.error).length;
  const m = r.machine;
  return {
    'soak.link': () => `[\`${soak.file}\`](${root}${soak.file})`,
    'soak.machine': () =>
      `${m?.cpus} × ${m?.cpuModel}, ${m?.memoryGiB} GiB, Node ${m?.node}${m?.loadAverage !== undefined ? `, load average ${m.loadAverage} at the start` : ''}`,
    'soak.rateSource': () =>
      r.rateSource === '--rate' ? 'the `--rate` flag' : String(r.rateSource ?? 'the kept runs'),
    'soak.verdict': () =>
      r.ok === true
        ? 'The bench passed: nothing lost, applied twice or mismatched, and memory flat.'
        : `The bench FAILED: ${JSON.stringify(r.failures ?? [])}.`,
    'soak.faults': () =>
      `${faults.length}, ${failed === 0 ? 'none failed' : `${failed} failed`}: ${[...byKind].map(([kind, n]) => `${kind} ${n}×`).join(', ')}`,
    'soak.ttlByTopic': () =>
      Object.entries(r.ttlExpiredEnvelopes?.byTopic ?? {})
        .filter(([, n]) => n > 0)
        .map(([topic, n]) => `${topic} ${formatNumber(n)}`)
        .join(', '),
    'soak.warmupMinutes': () => String(Math.round((r.warmupSeconds ?? 0) / 60)),
    'soak.bound': () =>
      `${Math.round((r.rssBound?.growthShare ?? 0) * 100)} % plus ${r.rssBound?.slackMiB ?? 0} MiB`,
    'soak.rssTable': () =>
      [
        '| server | start | middle | end | flat |',
        '| --- | --- | --- | --- | --- |',
        ...Object.entries(r.rssMiB ?? {}).map(
          ([server, rss]) =>
            `| ${SERVER_LABELS[server] ?? server} | ${rss.startMiB} | ${rss.middleMiB} | ${rss.endMiB} | ${rss.flat ? 'yes' : 'NO'} |`,
        ),
      ].join('\n'),
  };
}
