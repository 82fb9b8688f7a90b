/**
 * The live terminal view of a demo run: on a TTY a block of lines redrawn in place every second; on a
 * pipe or file one plain progress line every few seconds, so logs stay readable.
 *
 * @example
 * ```ts
 * const view = new LiveView(process.stderr);
 * view.update(stats); // redraws (TTY) or prints a line (not a TTY, at most every 5 s)
 * view.done();
 * ```
 */
import type { TopicLag } from './KafkaLag';
import type { DemoEventKind, LatencySummary, ServerUsage } from './types';

export interface LiveStats {
  readonly phase: 'running' | 'draining' | 'verifying';
  readonly elapsedMs: number;
  readonly written: Readonly<Record<DemoEventKind, number>>;
  /** Events per second over the last refresh. */
  readonly rate: number;
  readonly lag: readonly TopicLag[];
  /** From the last verification pass: events whose effects are all in the sinks, and dead-lettered ones. */
  readonly applied: number;
  readonly deadLettered: number;
  /**
   * The last verification pass: how long ago it began, and the events written by then (what it could see);
   * absent before the first pass ends. In flight is counted against these, not against everything written.
   */
  readonly lastPass?: { readonly agoMs: number; readonly written: number };
  readonly latency: LatencySummary;
  readonly runTag: string;
  /** CPU and resident memory of each local server, when their processes are known. */
  readonly servers?: readonly ServerUsage[];
  /** Kafka lag grew over the last ten seconds: the pipeline is falling behind the writer. */
  readonly lagGrowing?: boolean;
}

/** A server using this much of a core is taken as the bottleneck (moto and kinesis-mock use about one). */
export const SATURATED_CPU_PERCENT = 85;

/** The servers at or above {@link SATURATED_CPU_PERCENT}, busiest first. */
export function saturatedServers(servers: readonly ServerUsage[] = []): ServerUsage[] {
  return servers
    .filter((server) => (server.cpuPercent ?? 0) >= SATURATED_CPU_PERCENT)
    .sort((a, b) => (b.cpuPercent ?? 0) - (a.cpuPercent ?? 0));
}

/** Why the pipeline falls behind, when it does: which server is saturated, or that none is. */
export function behindText(stats: LiveStats): string | undefined {
  if (!stats.lagGrowing) return undefined;
  const saturated = saturatedServers(stats.servers);
  return saturated.length > 0
    ? `lag growing: ${saturated.map((s) => `${s.service} saturated (cpu ${percent(s.cpuPercent)})`).join(' · ')}`
    : 'lag growing: no local server saturated (the functions, or the machine as a whole)';
}

const PLAIN_INTERVAL_MS = 5_000;

function ms(value: number | null): string {
  return value === null ? '-' : `${Math.round(value)}ms`;
}

/** Resident memory in MiB, as `ps` and `top` count it. */
function mib(bytes: number | null): string {
  return bytes === null ? '-' : `${Math.round(bytes / 1_048_576)} MB`;
}

function percent(value: number | null): string {
  return value === null ? '-' : `${Math.round(value)}%`;
}

/** `kafka cpu 12% mem 512 MB · …`; a server whose process is gone shows `down`. */
export function renderServers(servers: readonly ServerUsage[]): string {
  return servers
    .map(({ service, cpuPercent, rssBytes }) =>
      rssBytes === null && cpuPercent === null
        ? `${service} down`
        : `${service} cpu ${percent(cpuPercent)} mem ${mib(rssBytes)}`,
    )
    .join(' · ');
}

/** The view's lines (pure). */
export function renderLiveView(stats: LiveStats): string[] {
  const written = Object.values(stats.written).reduce((a, b) => a + b, 0);
  const pending = Math.max(0, (stats.lastPass?.written ?? written) - stats.applied - stats.deadLettered);
  const passAge = stats.lastPass ? ` (pass ${(stats.lastPass.agoMs / 1000).toFixed(0)}s ago)` : '';
  const w = stats.written;
  const lines = [
    `streambridge demo · run ${stats.runTag} · ${stats.phase} · ${(stats.elapsedMs / 1000).toFixed(0)}s`,
    `  written   ${written} events (${stats.rate.toFixed(0)}/s): clicks ${w.click} · telemetry ${w.telemetry} · sessions ${w.session} · products ${w.product} · orders ${w.order} · readings ${w.reading} · poison ${w.poison}`,
    `  applied   ${stats.applied} verified in the sinks · dead-lettered ${stats.deadLettered} · in flight ${pending}${passAge}`,
    `  latency   ${latencyText(stats)}`,
  ];
  if (stats.servers?.length) lines.push(`  servers   ${renderServers(stats.servers)}`);
  const behind = behindText(stats);
  if (behind) lines.push(`  behind    ${behind}`);
  const groups = [...new Set(stats.lag.map((l) => l.group))];
  for (const group of groups) {
    const rows = stats.lag.filter((l) => l.group === group);
    const checkpointed = rows.reduce((n, r) => n + r.checkpointed, 0);
    lines.push(
      `  ${group}: ${checkpointed} records checkpointed · lag ${rows.map((r) => `${r.topic} ${r.lag}`).join(' · ')}`,
    );
  }
  return lines;
}

/** One line for logs (not a TTY). */
export function renderPlainLine(stats: LiveStats): string {
  const written = Object.values(stats.written).reduce((a, b) => a + b, 0);
  const lag = stats.lag.reduce((n, l) => n + l.lag, 0);
  const servers = stats.servers?.length
    ? ` servers=${stats.servers.map((u) => `${u.service}:${mib(u.rssBytes).replace(' MB', 'MB')}/${percent(u.cpuPercent)}`).join(',')}`
    : '';
  const saturated = stats.lagGrowing
    ? ` behind=${
        saturatedServers(stats.servers)
          .map((s) => s.service)
          .join(',') || 'no-server-saturated'
      }`
    : '';
  const { latency } = stats;
  const warming = latency.warmup && latency.samples === 0 && latency.timeouts === 0 ? ' warmingUp' : '';
  return `[demo ${stats.runTag}] ${stats.phase} ${(stats.elapsedMs / 1000).toFixed(0)}s written=${written} rate=${stats.rate.toFixed(0)}/s applied=${stats.applied} deadLettered=${stats.deadLettered} lag=${lag} p50=${ms(latency.p50)} p95=${ms(latency.p95)} p99=${ms(latency.p99)}${warming}${servers}${saturated}`;
}

/** The measured percentiles; while the run is still in its warm-up (none measured yet), the warm-up's, so marked. */
function latencyText({ latency }: LiveStats): string {
  const { warmup } = latency;
  if (warmup && latency.samples === 0 && latency.timeouts === 0)
    return `warming up (first ${warmup.ms / 1000} s, reported apart): p50 ${ms(warmup.p50)} · p99 ${ms(warmup.p99)} (${warmup.samples} samples)`;
  return `p50 ${ms(latency.p50)} · p95 ${ms(latency.p95)} · p99 ${ms(latency.p99)} (${latency.samples} samples${warmup ? `, after the first ${warmup.ms / 1000} s` : ''})`;
}

export class LiveView {
  readonly #out: NodeJS.WritableStream & { isTTY?: boolean };
  readonly #tty: boolean;
  #drawn = 0;
  #lastPlain = 0;

  constructor(out: NodeJS.WritableStream & { isTTY?: boolean }, enabled = true) {
    this.#out = out;
    this.#tty = enabled && out.isTTY === true;
    if (!enabled) this.#lastPlain = Number.POSITIVE_INFINITY;
  }

  update(stats: LiveStats, force = false): void {
    if (this.#tty) {
      const lines = renderLiveView(stats);
      // Move up over the previous block and clear it, then draw the new one.
      const rewind = this.#drawn > 0 ? `\x1b[${this.#drawn}A\x1b[0J` : '';
      this.#out.write(`${rewind}${lines.join('\n')}\n`);
      this.#drawn = lines.length;
      return;
    }
    const now = Date.now();
    if (!force && now - this.#lastPlain < PLAIN_INTERVAL_MS) return;
    this.#lastPlain = now;
    this.#out.write(`${renderPlainLine(stats)}\n`);
  }

  done(): void {
    this.#drawn = 0;
  }
}
