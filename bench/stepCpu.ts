/**
 * The CPU each part of the local pipeline used during an end-to-end step: each local server, the functions'
 * execution environments (all processes together), this process (the local runtime's pollers, the demo's
 * writer, probes and verifier) and the whole machine. A step that falls behind then names what was busy:
 * one server at a core, or the machine at its limit with something else running.
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { readProcessSample } from '../local/demo/processSample';

/** CPU seconds used so far by each part, and the machine's busy and total jiffies-as-seconds. */
export interface CpuSnapshot {
  readonly atMs: number;
  /** CPU seconds of each named part (servers, `functions`, `runtime and demo`). */
  readonly parts: Readonly<Record<string, number>>;
  /** The machine's CPU seconds busy (all cores) and in all, from /proc/stat; absent where it cannot be read. */
  readonly machine?: { readonly busy: number; readonly total: number };
}

/** Mean CPU over a step, in % of one core (the machine's: % of all its cores). */
export interface StepCpu {
  readonly parts: Readonly<Record<string, number>>;
  readonly machinePercent?: number;
  /** The machine's busy CPU that none of the parts used (other processes, the kernel), in % of one core. */
  readonly otherPercent?: number;
  readonly cores: number;
}

/** Linux reports /proc/stat in clock ticks of USER_HZ (100). */
const TICKS_PER_SECOND = 100;

/**
 * The first line of /proc/stat (`cpu  user nice system idle iowait irq softirq steal …`) as busy and total
 * seconds over all cores; idle and iowait are not busy.
 */
export function parseProcStat(text: string): { busy: number; total: number } | undefined {
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) return undefined;
  const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number);
  if (ticks.length < 5 || ticks.some((t) => !Number.isFinite(t))) return undefined;
  const total = ticks.reduce((sum, t) => sum + t, 0);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  return { busy: (total - idle) / TICKS_PER_SECOND, total: total / TICKS_PER_SECOND };
}

function readMachine(): { busy: number; total: number } | undefined {
  try {
    return parseProcStat(readFileSync('/proc/stat', 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Reads each part's CPU seconds now: `processes` by part name (a part of several processes, such as the
 * functions, is their sum; a process gone since is left out), plus this process.
 *
 * @example
 * ```ts
 * const before = cpuSnapshot({ moto: [4242], functions: [5001, 5002] });
 * ```
 */
export function cpuSnapshot(
  processes: Readonly<Record<string, readonly number[]>>,
  read: (pid: number) => { cpuSeconds: number } | undefined = readProcessSample,
): CpuSnapshot {
  const parts: Record<string, number> = {};
  for (const [name, pids] of Object.entries(processes)) {
    let seconds = 0;
    for (const pid of pids) seconds += read(pid)?.cpuSeconds ?? 0;
    parts[name] = seconds;
  }
  const own = process.cpuUsage();
  parts['runtime and demo'] = (own.user + own.system) / 1e6;
  const machine = readMachine();
  return { atMs: Date.now(), parts, ...(machine ? { machine } : {}) };
}

/**
 * Mean CPU of each part between two snapshots (parts in both), in % of one core, rounded to whole percent.
 *
 * @example
 * ```ts
 * stepCpu(before, after); // { parts: { moto: 92, kinesis: 61, … }, machinePercent: 88, otherPercent: 5, cores: 2 }
 * ```
 */
export function stepCpu(before: CpuSnapshot, after: CpuSnapshot, cores = cpus().length): StepCpu {
  const wall = (after.atMs - before.atMs) / 1000;
  const parts: Record<string, number> = {};
  if (wall > 0) {
    for (const [name, seconds] of Object.entries(after.parts)) {
      const start = before.parts[name];
      if (start === undefined) continue;
      parts[name] = Math.round((Math.max(0, seconds - start) / wall) * 100);
    }
  }
  const { machine: m0 } = before;
  const { machine: m1 } = after;
  const machinePercent =
    m0 && m1 && m1.total > m0.total
      ? Math.round(((m1.busy - m0.busy) / (m1.total - m0.total)) * 100)
      : undefined;
  if (machinePercent === undefined) return { parts, cores };
  const used = Object.values(parts).reduce((sum, p) => sum + p, 0);
  return { parts, cores, machinePercent, otherPercent: Math.max(0, machinePercent * cores - used) };
}
