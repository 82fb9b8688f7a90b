/**
 * One soak run: the default app on private servers, the demo's workload at a steady rate for the plan's
 * duration with the seeded faults injected while it runs, then the demo's drain and verification. Reads
 * each server's RSS after warm-up, halfway and at the end of the workload, and counts the TTL deletes the
 * bridges put on the change topics. Method and kept figures: docs/performance.md ("Soak").
 */
import { randomBytes } from 'node:crypto';
import { cpus, hostname, loadavg, totalmem } from 'node:os';
import { demoPipeline } from '../../local/demo/demoPipeline';
import { readProcessSample } from '../../local/demo/processSample';
import { runDemo } from '../../local/demo/runDemo';
import type { EffectCheck } from '../../local/demo/types';
import type { ServiceName } from '../../local/services';
import config from '../../streambridge.config';
import { ENVELOPE_CATCH_UP_MS, RSS_BOUND } from './constants';
import { faultSchedule } from './faultSchedule';
import { type SoakPipeline, startSoakPipeline } from './SoakPipeline';
import { TtlEnvelopeCounter } from './TtlEnvelopeCounter';
import type { Fault, FaultOutcome, ServerRss, SoakPlan, SoakResult } from './types';

export interface RunSoakOptions {
  readonly plan: SoakPlan;
  readonly rate: number;
  readonly rateSource: string;
  readonly seed: number;
  readonly log: (line: string) => void;
}

const MiB = 2 ** 20;
type RssPoint = 'startMiB' | 'middleMiB' | 'endMiB';

const sleepUntil = (at: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, Math.max(0, at - Date.now()));
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

/** Runs the scheduled faults one after another until the schedule ends or `signal` aborts. */
async function injectFaults(
  soak: SoakPipeline,
  faults: readonly Fault[],
  startedAt: number,
  signal: AbortSignal,
  log: (line: string) => void,
): Promise<FaultOutcome[]> {
  const outcomes: FaultOutcome[] = [];
  for (const fault of faults) {
    await sleepUntil(startedAt + fault.atMs, signal);
    if (signal.aborted) break;
    const startedAtS = Math.round((Date.now() - startedAt) / 1000);
    const [action, what] = fault.kind.split(':') as [string, string];
    log(`soak: fault at ${startedAtS}s: ${fault.kind}${fault.ms ? ` (${fault.ms} ms)` : ''}`);
    try {
      const target =
        action === 'crash'
          ? await soak.crash(what as ServiceName, fault.ms)
          : action === 'stall'
            ? await soak.stall(what as ServiceName, fault.ms, signal)
            : await soak.killBusyFunction(signal);
      outcomes.push({ ...fault, startedAtS, target });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log(`soak: fault ${fault.kind} failed: ${message}`);
      outcomes.push({ ...fault, startedAtS, error: message });
    }
  }
  return outcomes;
}

/** Each server's RSS now, in MiB (a server being restarted is looked up again, bounded). */
async function readRss(soak: SoakPipeline): Promise<Record<string, number>> {
  const deadline = Date.now() + 60_000;
  const rss: Record<string, number> = {};
  while (Date.now() < deadline) {
    for (const { service, pid } of await soak.servers().catch(() => [])) {
      const sample = readProcessSample(pid);
      if (sample && rss[service] === undefined) rss[service] = Math.round(sample.rssBytes / MiB);
    }
    if (Object.keys(rss).length >= 4) break;
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
  return rss;
}

export function isFlat(rss: Omit<ServerRss, 'flat'>): boolean {
  if (rss.startMiB === null) return false;
  const ceiling = rss.startMiB * (1 + RSS_BOUND.growthShare) + RSS_BOUND.slackMiB;
  return [rss.middleMiB, rss.endMiB].every((value) => value !== null && value <= ceiling);
}

/** Which checks counted a figure, with their first examples: a failed soak says where to look. */
function checksWith(checks: readonly EffectCheck[], field: 'lost' | 'doubleApplied' | 'mismatched'): string {
  return checks
    .filter((check) => check[field] > 0)
    .map(
      (check) =>
        `${check.effect}: ${check[field]}${check.examples.length > 0 ? ` — ${check.examples.slice(0, 3).join('; ')}` : ''}`,
    )
    .join(', ');
}

export async function runSoak(options: RunSoakOptions): Promise<SoakResult> {
  const { plan, rate, seed, log } = options;
  const loadAverage = Number((loadavg()[0] ?? 0).toFixed(2));
  const soak = await startSoakPipeline({ streamRetentionSeconds: plan.streamRetentionSeconds, log });
  const pipeline = demoPipeline(config);
  const topics = [...new Set(Object.values(pipeline.sources).map((source) => source.topic))];
  const counter = new TtlEnvelopeCounter(
    soak.endpoints.kafkaBrokers,
    topics,
    `streambridge-soak-${randomBytes(3).toString('hex')}`,
  );
  try {
    await counter.start();
    const schedule = faultSchedule(plan.faults, seed, plan.durationMs);
    log(`soak: ${rate} events/s for ${plan.durationMs / 1000}s, ${schedule.length} faults (seed ${seed})`);
    const stopFaults = new AbortController();
    const rss: Record<string, Record<RssPoint, number | null>> = {};
    const rssReads: Promise<void>[] = [];
    const startedAt = Date.now();
    const readAt = (point: RssPoint, atMs: number) =>
      rssReads.push(
        sleepUntil(startedAt + atMs, stopFaults.signal).then(async () => {
          for (const [service, mib] of Object.entries(await readRss(soak))) {
            rss[service] ??= { startMiB: null, middleMiB: null, endMiB: null };
            (rss[service] as Record<RssPoint, number | null>)[point] = mib;
          }
          log(`soak: RSS ${point.replace('MiB', '')}: ${JSON.stringify(rss)}`);
        }),
      );
    readAt('startMiB', plan.warmupMs);
    readAt('middleMiB', plan.warmupMs + (plan.durationMs - plan.warmupMs) / 2);
    // Just before the workload stops (the drain that follows is not the steady state).
    readAt('endMiB', plan.durationMs - 5_000);
    const faults = injectFaults(soak, schedule, startedAt, stopFaults.signal, log);
    let drainingAt = 0;
    let verifyingAt = 0;
    const summary = await runDemo({
      config,
      deployment: soak.pipeline.deployment,
      endpoints: soak.endpoints,
      seed,
      rate,
      durationMs: plan.durationMs,
      drainTimeoutMs: plan.drainTimeoutMs,
      itemTtlSeconds: plan.itemTtlSeconds,
      view: false,
      log,
      onPhase: (phase, at) => {
        if (phase === 'draining') {
          drainingAt = at;
          stopFaults.abort();
        } else if (phase === 'verifying') verifyingAt = at;
      },
    }).finally(() => stopFaults.abort());
    const outcomes = await faults;
    await Promise.all(rssReads);
    const caughtUp = await counter.catchUp(ENVELOPE_CATCH_UP_MS);
    const rssMiB: Record<string, ServerRss> = {};
    for (const [service, points] of Object.entries(rss))
      rssMiB[service] = { ...points, flat: isFlat(points) };
    const failures: string[] = [...summary.failures];
    for (const [figure, value, field] of [
      ['lost', summary.lost, 'lost'],
      ['double-applied', summary.doubleApplied, 'doubleApplied'],
      ['mismatched', summary.mismatched, 'mismatched'],
    ] as const)
      if (value > 0) failures.push(`${value} ${figure} (${checksWith(summary.checks, field)})`);
    const failed = outcomes.filter((o) => o.error);
    if (failed.length > 0) failures.push(`${failed.length} faults could not be injected`);
    if (!caughtUp) failures.push('the TTL-envelope count did not catch up with the change topics');
    if (counter.ttlExpired === 0 && plan.durationMs > plan.itemTtlSeconds * 1000)
      failures.push('no TTL delete reached Kafka although items outlived their TTL');
    const grown = Object.entries(rssMiB).filter(([, r]) => !r.flat);
    if (plan.assertMemory && grown.length > 0)
      failures.push(`memory not flat: ${grown.map(([service]) => service).join(', ')}`);
    const cpu = cpus();
    return {
      kind: 'soak',
      date: new Date().toISOString(),
      host: hostname(),
      machine: {
        cpus: cpu.length,
        cpuModel: cpu[0]?.model ?? 'unknown',
        memoryGiB: Math.round(totalmem() / 2 ** 30),
        node: process.version,
        loadAverage,
      },
      rate,
      rateSource: options.rateSource,
      seed,
      durationSeconds: plan.durationMs / 1000,
      itemTtlSeconds: plan.itemTtlSeconds,
      streamRetentionSeconds: plan.streamRetentionSeconds,
      warmupSeconds: plan.warmupMs / 1000,
      events: summary.events,
      achievedRate: Number(((summary.events * 1000) / plan.durationMs).toFixed(1)),
      applied: summary.applied,
      deadLettered: summary.deadLettered,
      lost: summary.lost,
      doubleApplied: summary.doubleApplied,
      mismatched: summary.mismatched,
      expired: summary.expired,
      unverified: summary.unverified,
      drainSeconds: Math.round((verifyingAt - drainingAt) / 1000),
      faults: outcomes,
      rssMiB,
      rssBound: { ...RSS_BOUND },
      ttlExpiredEnvelopes: { total: counter.ttlExpired, byTopic: { ...counter.byTopic } },
      changeEnvelopes: counter.envelopes,
      failures,
      ok: failures.length === 0,
    };
  } finally {
    await counter.stop();
    await soak.stop();
  }
}
