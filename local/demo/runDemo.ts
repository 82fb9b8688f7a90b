/**
 * One demo run against a deployed, running pipeline: generates the workload at the requested rate,
 * writes it to the sources, shows live progress, waits for the sinks to catch up (bounded), then
 * verifies the sinks against the tally and returns the summary. Starting servers, deploying and running
 * the Lambda runtime are the caller's job (`streambridge local --demo`, or a test with private servers).
 *
 * @example
 * ```ts
 * const summary = await runDemo({ config, deployment, endpoints, seed: 1, events: 10_000 });
 * process.exitCode = summary.ok ? 0 : 1;
 * ```
 */
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { Redis } from 'ioredis';
import type { PipelineConfig } from '../../config/types';
import { awsClientOptions } from '../deploy/localEndpoints';
import type { LocalEndpoints } from '../deploy/types';
import type { LocalDeployment } from '../runtime/types';
import { SDK_APP_IDS } from '../services/constants';
import { AlertReader } from './AlertReader';
import { closeOpenSessions } from './closeOpenSessions';
import { DEMO_DEFAULTS } from './constants';
import { DeadLetterReader } from './DeadLetterReader';
import { type DemoPipeline, demoPipeline } from './demoPipeline';
import { demoSummary } from './demoSummary';
import { gateRequests, InFlightGate } from './InFlightGate';
import { journeyDayEnd } from './journeys';
import { KafkaLag, type TopicLag } from './KafkaLag';
import { LagTrend } from './LagTrend';
import { LatencyTracker } from './LatencyTracker';
import { type LiveStats, LiveView } from './LiveView';
import { ServerUsageSampler } from './ServerUsageSampler';
import { SinkReader } from './SinkReader';
import { SourceWriter } from './SourceWriter';
import { Tally } from './Tally';
import type { DemoSummary, ServerProcess, ServerUsage } from './types';
import { type Verification, verifyResults } from './verifyResults';
import { WorkloadGenerator } from './WorkloadGenerator';

export interface RunDemoOptions {
  readonly config: PipelineConfig;
  readonly deployment: LocalDeployment;
  readonly endpoints: LocalEndpoints;
  readonly seed: number;
  /** Events per second. */
  readonly rate?: number;
  /** Stop generating after this many events… */
  readonly events?: number;
  /** …or after this many ms; with neither, until `signal` aborts. */
  readonly durationMs?: number;
  readonly poison?: number;
  /** First abort stops generating (then drain and verify); see `skipDrain`. */
  readonly signal?: AbortSignal;
  /** Aborting this one skips the drain wait (a second Ctrl-C). */
  readonly skipDrain?: AbortSignal;
  readonly drainTimeoutMs?: number;
  readonly runTag?: string;
  /** Where the live view goes (default stderr); `false` for none. */
  readonly view?: (NodeJS.WritableStream & { isTTY?: boolean }) | false;
  readonly log?: (line: string) => void;
  /** Called as the run enters each phase (the benchmark times the drain with it). */
  readonly onPhase?: (phase: LiveStats['phase'], atMs: number) => void;
  /** Called after each event the sources accepted, with the count so far (fault tests time their faults on it). */
  readonly onProgress?: (written: number) => void;
  /** Seconds the demo's items live before DynamoDB TTL deletes them (default `DEMO_DEFAULTS.itemTtlSeconds`). */
  readonly itemTtlSeconds?: number;
  /** Probes of events written in the first this many ms are reported apart (`latencyMs.warmup`); default 0. */
  readonly latencyWarmupMs?: number;
  /**
   * The local server processes whose CPU and memory the live view shows; asked again when one of them is
   * gone (a restarted server has a new pid). Without it the view shows no servers.
   */
  readonly servers?: () => Promise<readonly ServerProcess[]>;
}

/** A server that went away is looked up again at most this often. */
const SERVER_LOOKUP_INTERVAL_MS = 10_000;

/** Verification passes while generating (each reads every key of the tally) at most this often. */
const RUNNING_VERIFY_INTERVAL_MS = 10_000;
/**
 * A running verification pass waits at least four times its own last duration: a pass (one request at a time,
 * below) runs at most a fifth of the time. At ten times, the passes of a 7-minute default run came every 90 to
 * 120 s, and the view's "verified" count was that old.
 */
const VERIFY_TIME_SHARE_INVERSE = 4;
/**
 * DynamoDB requests a running verification pass keeps in flight. A pass reads every expected effect (about
 * 500 Queries and BatchGetItems at the default workload, each over a growing partition); sent 16 and more at
 * once they queued in front of the pipeline's own requests on the one emulator for seconds (a 7-minute default
 * run: p99 3.38 s with the passes, 3.00 s without). One at a time, the pipeline's requests wait for at most
 * one of them. The drain's passes, when nothing is measured any more, go at full speed.
 */
const RUNNING_VERIFY_IN_FLIGHT = 1;
/**
 * The drain waits for the latency probes still running at most this long (they see their effects within about
 * the pipeline's p99; one that cannot tell would hold the drain to its own timeout), then goes on to the lag
 * and the passes (the probes go on polling).
 */
const DRAIN_PROBE_WAIT_MS = 3_000;
/** Once every effect was verified, a probe still polling gets this long to see its own (else: a timeout). */
const PROBE_SETTLE_MS = 2_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits `ms`, returning early when the signal aborts. */
function pause(ms: number, signal?: AbortSignal): Promise<void> {
  if (!signal) return sleep(ms).then(() => undefined);
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

export async function runDemo(options: RunDemoOptions): Promise<DemoSummary> {
  const started = Date.now();
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const runTag = options.runTag ?? randomBytes(3).toString('hex');
  const pipeline = demoPipeline(options.config);
  const { endpoints, deployment } = options;
  // One client per role, each with its SDK app id: the moto server counts requests by it (the bench prints them).
  const dynamodbFor = (userAgentAppId: string) =>
    new DynamoDBClient({ ...awsClientOptions(endpoints, 'dynamodb'), maxAttempts: 3, userAgentAppId });
  const dynamodb = dynamodbFor(SDK_APP_IDS.demoWriter);
  const probeDynamodb = dynamodbFor(SDK_APP_IDS.demoProbe);
  const verifierDynamodb = dynamodbFor(SDK_APP_IDS.demoVerifier);
  let phase: LiveStats['phase'] = 'running';
  const verifierGate = new InFlightGate(() =>
    phase === 'running' ? RUNNING_VERIFY_IN_FLIGHT : Number.POSITIVE_INFINITY,
  );
  gateRequests(verifierDynamodb, verifierGate);
  const sqs = new SQSClient({
    ...awsClientOptions(endpoints, 'sqs'),
    userAgentAppId: SDK_APP_IDS.demoVerifier,
  });
  // A state file written before buckets were deployed has no S3 endpoint: moto serves S3 with DynamoDB.
  const s3Options = awsClientOptions(endpoints, 's3');
  const s3 = new S3Client({
    ...s3Options,
    ...(s3Options.endpoint || !endpoints.dynamodb ? {} : { endpoint: endpoints.dynamodb }),
    forcePathStyle: true,
    userAgentAppId: SDK_APP_IDS.demoVerifier,
  });
  const redis = new Redis(endpoints.redisUrl, { maxRetriesPerRequest: 2, lazyConnect: true });
  redis.on('error', () => undefined);
  await redis.connect();

  const tally = new Tally(pipeline);
  const latency = new LatencyTracker({
    pipeline,
    redis,
    dynamodb: probeDynamodb,
    ...(options.latencyWarmupMs ? { warmupMs: options.latencyWarmupMs } : {}),
  });
  const writer = new SourceWriter({
    pipeline,
    kafkaBrokers: endpoints.kafkaBrokers,
    dynamodb,
    log,
    ...(options.itemTtlSeconds !== undefined ? { itemTtlSeconds: options.itemTtlSeconds } : {}),
    onWritten: (event, ackedAt) => {
      tally.record(event);
      latency.offer(event, ackedAt, tally.expectation);
      options.onProgress?.(tally.total);
    },
  });
  const kafkaSources = deployment.eventSourceMappings.filter((m) => m.kind === 'kafka');
  const groups: Record<string, string[]> = {};
  for (const m of kafkaSources)
    if (m.consumerGroupId)
      groups[m.consumerGroupId] = [...new Set([...(groups[m.consumerGroupId] ?? []), ...(m.topics ?? [])])];
  const clickConsumers = new Set(
    kafkaSources.filter((m) => m.topics?.includes(pipeline.clickTopic)).map((m) => m.functionLogicalId),
  ).size;
  const lag = new KafkaLag({ brokers: endpoints.kafkaBrokers, groups });
  const deadLetters = new DeadLetterReader({
    queueUrls: deployment.queues.map((q) => q.queueUrl),
    bucketNames: (deployment.buckets ?? []).map((bucket) => bucket.bucketName),
    since: started,
    sqs,
    s3,
  });
  const alerts = new AlertReader({
    brokers: endpoints.kafkaBrokers,
    topic: pipeline.redis.threshold.alertTopic,
    keyPrefix: `sensor-${runTag}-`,
  });
  const reader = new SinkReader({ pipeline, redis, dynamodb: verifierDynamodb, alerts });
  const view = options.view === false ? undefined : new LiveView(options.view ?? process.stderr);

  let lastVerification: Verification | undefined;
  let lastLag: TopicLag[] = [];
  let lastRateCount = 0;
  let lastRateAt = started;
  let rate = 0;
  let sampler: ServerUsageSampler | undefined;
  let servers: ServerUsage[] | undefined;
  let lastServerLookup = 0;
  const lookUpServers = async () => {
    if (!options.servers || Date.now() - lastServerLookup < SERVER_LOOKUP_INTERVAL_MS) return;
    lastServerLookup = Date.now();
    const processes = await options.servers().catch(() => undefined);
    if (processes) sampler = new ServerUsageSampler(processes);
  };
  // Total Kafka lag over time: growing means the pipeline falls behind the writer.
  const lagTrend = new LagTrend();
  const lagGrowing = (now: number): boolean =>
    lagTrend.push(
      now,
      lastLag.reduce((n, l) => n + l.lag, 0),
    );
  const stats = (): LiveStats => {
    const now = Date.now();
    if (now - lastRateAt >= 500) {
      rate = ((tally.total - lastRateCount) * 1000) / (now - lastRateAt);
      lastRateCount = tally.total;
      lastRateAt = now;
    }
    return {
      phase,
      elapsedMs: now - started,
      written: tally.expectation.counts,
      rate,
      lag: lastLag,
      applied: lastVerification?.applied ?? 0,
      deadLettered: lastVerification?.deadLettered ?? 0,
      ...(lastPass ? { lastPass: { agoMs: now - lastPass.at, written: lastPass.written } } : {}),
      latency: latency.summary(),
      runTag,
      ...(servers ? { servers } : {}),
      lagGrowing: lagGrowing(now),
    };
  };
  let lastPass: { at: number; written: number } | undefined;
  const verify = async (): Promise<Verification> => {
    const pass = { at: Date.now(), written: tally.total };
    const letters = await deadLetters.read();
    const observed = await reader.read(tally.expectation, letters.deadLetters, letters.onFailureMessages);
    lastVerification = verifyResults({
      pipeline,
      expectation: tally.expectation,
      observed,
      now: Date.now(),
      itemTtlSeconds: options.itemTtlSeconds ?? DEMO_DEFAULTS.itemTtlSeconds,
      runTag,
      poisonLetters: { 'click-not-json': Math.max(1, clickConsumers), 'product-schema': 1 },
    });
    lastPass = pass;
    return lastVerification;
  };

  // The view redraws every second from cached figures; lag and (while generating) a verification pass are
  // refreshed in the background, one at a time, so a slow read never stalls the view.
  let refreshing = false;
  let lastVerifyAt = 0;
  let lastVerifyMs = 0;
  const refresh = async () => {
    if (refreshing) return;
    refreshing = true;
    try {
      if (!sampler || servers?.some((server) => server.rssBytes === null && server.cpuPercent === null))
        await lookUpServers();
      lastLag = await lag.read().catch(() => lastLag);
      // While draining, the drain loop runs the verification passes itself. While running, a pass only
      // feeds the view's "applied" count: none without a view, and never more than a fifth of the time (a pass
      // reads every expected effect, so it grows with the run and loads the servers the run measures).
      if (
        view &&
        phase === 'running' &&
        Date.now() - lastVerifyAt >=
          Math.max(RUNNING_VERIFY_INTERVAL_MS, lastVerifyMs * VERIFY_TIME_SHARE_INVERSE)
      ) {
        const passStarted = Date.now();
        await verify().catch((error: unknown) =>
          log(`verification pass failed: ${(error as Error).message}`),
        );
        lastVerifyAt = Date.now();
        lastVerifyMs = lastVerifyAt - passStarted;
      }
    } finally {
      refreshing = false;
    }
  };
  const timer = setInterval(() => {
    servers = sampler?.sample();
    view?.update(stats());
    void refresh();
  }, DEMO_DEFAULTS.viewIntervalMs);

  try {
    await Promise.all([writer.start(), alerts.start()]);
    await lag.start().catch((error: unknown) => log(`kafka lag unavailable: ${(error as Error).message}`));
    log(
      `demo run ${runTag}: seed ${options.seed}, ${describeLimit(options)}; Ctrl-C stops generating and verifies`,
    );
    latency.begin();
    await generate(options, runTag, writer, pipeline);
    phase = 'draining';
    verifierGate.wake();
    options.onPhase?.(phase, Date.now());
    await writer.flush();
    await drain(
      options,
      verify,
      async () => {
        lastLag = await lag.read();
        return lastLag;
      },
      () => latency.settle(),
    );
    phase = 'verifying';
    options.onPhase?.(phase, Date.now());
    // The schedule's closing of the sessions still open is the verifier's step, not the pipeline's drain.
    const closed = await closeOpenSessions(
      pipeline,
      options.config.sinks.dynamodb,
      verifierDynamodb,
      journeyDayEnd(runTag),
    ).catch((error: unknown) => log(`closing the open sessions failed: ${(error as Error).message}`));
    if (typeof closed === 'number') log(`closed the ${closed} sessions still open (as the schedule will)`);
    await latency.settle(PROBE_SETTLE_MS);
    clearInterval(timer);
    while (refreshing) await sleep(20);
    const final = await verify();
    view?.update(stats(), true);
    view?.done();
    const summary = demoSummary(
      {
        runTag,
        seed: options.seed,
        durationMs: Date.now() - started,
        eventsByKind: tally.expectation.counts,
        latencyMs: latency.summary(),
      },
      final,
    );
    return summary;
  } finally {
    clearInterval(timer);
    await Promise.all([writer.close(), lag.close(), alerts.close()]);
    deadLetters.close();
    redis.disconnect();
    for (const client of [dynamodb, probeDynamodb, verifierDynamodb, sqs, s3]) client.destroy();
  }
}

function describeLimit(options: RunDemoOptions): string {
  const rate = `${options.rate ?? DEMO_DEFAULTS.rate} events/s`;
  if (options.events !== undefined) return `${options.events} events at ${rate}`;
  if (options.durationMs !== undefined) return `${options.durationMs / 1000}s at ${rate}`;
  return `${rate} until interrupted`;
}

/** Generates at the requested rate until the event count, the duration or the abort signal ends it. */
async function generate(
  options: RunDemoOptions,
  runTag: string,
  writer: SourceWriter,
  pipeline: DemoPipeline,
): Promise<void> {
  const sessions = pipeline.dynamodb.sessions;
  const generator = new WorkloadGenerator({
    seed: options.seed,
    runTag,
    poison: options.poison ?? 0,
    totalEvents: options.events,
    ...(sessions ? { journeys: { ...sessions, steps: sessions.funnel?.steps ?? ['view'] } } : {}),
  });
  const rate = options.rate ?? DEMO_DEFAULTS.rate;
  const begin = Date.now();
  const deadline = options.durationMs !== undefined ? begin + options.durationMs : Number.POSITIVE_INFINITY;
  const limit = options.events ?? Number.POSITIVE_INFINITY;
  let produced = 0;
  while (produced < limit && Date.now() < deadline && !options.signal?.aborted) {
    const due = Math.min(limit, Math.floor(((Date.now() - begin) * rate) / 1000) + 1);
    while (produced < due) {
      await writer.write(generator.next());
      produced += 1;
    }
    await pause(Math.max(5, Math.min(50, 1000 / rate)), options.signal);
  }
}

/** Kafka lag re-read this often while the drain waits for the consumers to catch up. */
const DRAIN_LAG_POLL_MS = 200;
/** Between two drain passes, at least this, and at least the last pass's own duration (passes take at most half the drain). */
const DRAIN_VERIFY_MIN_PAUSE_MS = 250;

/**
 * Waits for the sinks to hold every effect. First on the cheap signals, each bounded by the drain timeout:
 * every latency probe saw its effect (or timed out) and no Kafka consumer group has lag left. Then with
 * verification passes (each reads every expected effect) until one finds nothing missing, or nothing changed
 * for `settleMs` with no Kafka lag left, or the drain timeout.
 */
async function drain(
  options: RunDemoOptions,
  verify: () => Promise<Verification>,
  lag: () => Promise<readonly TopicLag[]>,
  probesSettled: () => Promise<void>,
): Promise<void> {
  const deadline = Date.now() + (options.drainTimeoutMs ?? DEMO_DEFAULTS.drainTimeoutMs);
  const started = Date.now();
  const left = () => Math.max(0, deadline - Date.now());
  await Promise.race([probesSettled(), pause(Math.min(DRAIN_PROBE_WAIT_MS, left()), options.skipDrain)]);
  const probesMs = Date.now() - started;
  let lags: readonly TopicLag[] = [];
  while (Date.now() < deadline && !options.skipDrain?.aborted) {
    lags = await lag().catch(() => []);
    if (lags.every((l) => l.lag === 0)) break;
    await pause(Math.min(DRAIN_LAG_POLL_MS, left()), options.skipDrain);
  }
  const lagMs = Date.now() - started;
  const behind = lags.filter((l) => l.lag > 0).map((l) => `${l.group} on ${l.topic} (${l.lag})`);
  let passes = 0;
  const report = (outcome: string) =>
    options.log?.(
      `drain: latency probes done after ${probesMs} ms, Kafka lag ${behind.length === 0 ? `0 after ${lagMs} ms` : `left: ${behind.join(', ')}`}, ${passes} verification passes: ${outcome} after ${Date.now() - started} ms`,
    );
  let lastProgress = -1;
  let lastChange = Date.now();
  while (Date.now() < deadline && !options.skipDrain?.aborted) {
    const passStarted = Date.now();
    const result = await verify().catch(() => undefined);
    passes += 1;
    if (result && result.lost === 0 && result.mismatched === 0) return report('every effect seen');
    const passMs = Date.now() - passStarted;
    // Expiry moves events from applied to expired as the drain goes on: that is no progress.
    const progress = result ? result.applied + result.deadLettered + result.expired : -1;
    if (progress !== lastProgress) {
      lastProgress = progress;
      lastChange = Date.now();
    } else if (
      Date.now() - lastChange >= DEMO_DEFAULTS.settleMs &&
      (await lag().catch(() => [])).every((l) => l.lag === 0)
    )
      return report(`nothing changed for ${DEMO_DEFAULTS.settleMs} ms`);
    await pause(Math.min(left(), Math.max(DRAIN_VERIFY_MIN_PAUSE_MS, passMs)), options.skipDrain);
  }
  report(options.skipDrain?.aborted ? 'skipped' : 'timed out');
}
