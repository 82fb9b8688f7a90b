/**
 * CPU and memory of the local servers for the live view: CPU % is the CPU time a server used between two
 * samples over the wall time between them (100 % = one core); memory is its resident set (RSS).
 */
import { readProcessSample } from './processSample';
import type { ProcessSample, ServerProcess, ServerUsage } from './types';

/**
 * Samples the servers once per call; CPU % comes from the CPU time used since the previous call.
 *
 * @example
 * ```ts
 * const sampler = new ServerUsageSampler([{ service: 'moto', pid: 4242 }]);
 * sampler.sample(); // [{ service: 'moto', cpuPercent: null, rssBytes: 214_000_000 }]
 * ```
 */
export class ServerUsageSampler {
  readonly #servers: readonly ServerProcess[];
  readonly #read: (pid: number) => ProcessSample | undefined;
  readonly #now: () => number;
  #previous = new Map<number, { sample: ProcessSample; atMs: number }>();

  constructor(
    servers: readonly ServerProcess[],
    read: (pid: number) => ProcessSample | undefined = readProcessSample,
    now: () => number = Date.now,
  ) {
    this.#servers = servers;
    this.#read = read;
    this.#now = now;
  }

  sample(): ServerUsage[] {
    const atMs = this.#now();
    const next = new Map<number, { sample: ProcessSample; atMs: number }>();
    const usage = this.#servers.map(({ service, pid }) => {
      const sample = this.#read(pid);
      if (!sample) return { service, cpuPercent: null, rssBytes: null };
      next.set(pid, { sample, atMs });
      const before = this.#previous.get(pid);
      const wallSeconds = before ? (atMs - before.atMs) / 1000 : 0;
      const cpuPercent =
        before && wallSeconds > 0
          ? Math.max(0, ((sample.cpuSeconds - before.sample.cpuSeconds) / wallSeconds) * 100)
          : null;
      return { service, cpuPercent, rssBytes: sample.rssBytes };
    });
    this.#previous = next;
    return usage;
  }
}
