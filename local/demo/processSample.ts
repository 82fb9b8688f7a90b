/**
 * A reading of one process's CPU time and resident memory: from /proc/<pid> (VmRSS, utime + stime), or from
 * `ps` where there is no /proc (macOS).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { ProcessSample } from './types';

/** Linux reports /proc CPU times in clock ticks of USER_HZ, 100 on every mainstream architecture. */
const CLOCK_TICKS_PER_SECOND = 100;

/** utime + stime of /proc/<pid>/stat (fields 14 and 15; the command name may hold spaces and parentheses). */
export function parseProcStatCpuSeconds(stat: string): number | undefined {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields after the name start at field 3 (state): utime is field 14, stime field 15.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) return undefined;
  return (utime + stime) / CLOCK_TICKS_PER_SECOND;
}

/** VmRSS of /proc/<pid>/status, in bytes. */
export function parseVmRssBytes(status: string): number | undefined {
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  return match ? Number(match[1]) * 1024 : undefined;
}

/** `ps -o rss=,time=` output: RSS in KiB and CPU time as `[[dd-]hh:]mm:ss[.ss]`. */
export function parsePsUsage(line: string): ProcessSample | undefined {
  const [rss, time] = line.trim().split(/\s+/);
  if (!rss || !time) return undefined;
  const [days, clock] = time.includes('-') ? time.split('-') : ['0', time];
  const parts = (clock ?? '').split(':').map(Number);
  if (parts.some((part) => !Number.isFinite(part)) || parts.length < 2) return undefined;
  const seconds = parts.reduce((total, part) => total * 60 + part, 0) + Number(days) * 86_400;
  return { cpuSeconds: seconds, rssBytes: Number(rss) * 1024 };
}

/**
 * One reading of a process, or undefined when it does not exist.
 *
 * @example
 * ```ts
 * readProcessSample(process.pid); // { cpuSeconds: 1.42, rssBytes: 81_264_640 }
 * ```
 */
export function readProcessSample(pid: number): ProcessSample | undefined {
  try {
    const cpuSeconds = parseProcStatCpuSeconds(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    const rssBytes = parseVmRssBytes(readFileSync(`/proc/${pid}/status`, 'utf8'));
    if (cpuSeconds !== undefined && rssBytes !== undefined) return { cpuSeconds, rssBytes };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return undefined;
  }
  try {
    return parsePsUsage(execFileSync('ps', ['-o', 'rss=,time=', '-p', String(pid)], { encoding: 'utf8' }));
  } catch {
    // ps exits non-zero for a pid that does not exist.
    return undefined;
  }
}
