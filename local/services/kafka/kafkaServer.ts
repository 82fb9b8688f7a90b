import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { KAFKA_JAVA_OPTS_ENV_VAR, LOOPBACK_HOST, TIMEOUTS } from '../constants';
import { ServicesError } from '../errors';
import { findExecutable } from '../findExecutable';
import { serverEnvironment } from '../processControl';
import type { MissingPrerequisite, ServerDefinition, ServicesConfig } from '../types';
import { classDataSharing } from './classDataSharing';
import { installKafkaJars, kafkaJarsDir, kafkaJarsReady } from './kafkaJars';

const execFileAsync = promisify(execFile);
const LOG4J_CONFIG = join(dirname(fileURLToPath(import.meta.url)), 'log4j2.properties');
const MINIMUM_JAVA = 17;

interface FormatRecord {
  clusterId: string;
  port: number;
  controllerPort: number;
}

function kafkaDir(config: ServicesConfig): string {
  return join(config.stateDir, 'kafka');
}

/** Single-node KRaft (broker and controller in one process), MSK-like limits, nothing created implicitly. */
function serverProperties(config: ServicesConfig): string {
  const { kafka: port, kafkaController: controller } = config.ports;
  const settings: Record<string, string | number> = {
    'process.roles': 'broker,controller',
    'node.id': 1,
    'controller.quorum.bootstrap.servers': `${LOOPBACK_HOST}:${controller}`,
    listeners: `PLAINTEXT://${LOOPBACK_HOST}:${port},CONTROLLER://${LOOPBACK_HOST}:${controller}`,
    'advertised.listeners': `PLAINTEXT://${LOOPBACK_HOST}:${port}`,
    'controller.listener.names': 'CONTROLLER',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name': 'PLAINTEXT',
    'log.dirs': join(kafkaDir(config), 'data'),
    'num.partitions': 1,
    'default.replication.factor': 1,
    'min.insync.replicas': 1,
    'offsets.topic.replication.factor': 1,
    // Fewer internal partitions than the default 50: the first consumer group and transaction start faster.
    'offsets.topic.num.partitions': 10,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'transaction.state.log.num.partitions': 10,
    'share.coordinator.state.topic.replication.factor': 1,
    'share.coordinator.state.topic.min.isr': 1,
    'share.coordinator.state.topic.num.partitions': 10,
    'group.initial.rebalance.delay.ms': 0,
    'auto.create.topics.enable': 'false',
    // Kafka's (and MSK's) default, stated so tests of the size limit do not depend on it silently.
    'message.max.bytes': 1_048_588,
  };
  return `${Object.entries(settings)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n')}\n`;
}

/**
 * What `kafka.tools.StorageTool random-uuid` prints (Kafka's Uuid: 16 random bytes, URL-safe base64 without
 * padding, never starting with '-'), made here to save a JVM start on the first run.
 */
function randomClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function javaVersion(output: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(output);
  if (!match) return undefined;
  const major = Number(match[1]);
  return major === 1 ? Number(match[2]) : major;
}

/** Fails unless `java` is 17 or newer; returns its `-version` text, which identifies the JVM build. */
async function checkJavaVersion(java: string, env: NodeJS.ProcessEnv): Promise<string> {
  const { stderr } = await execFileAsync(java, ['-version'], { env, timeout: 30_000 });
  const version = javaVersion(stderr);
  if (version !== undefined && version < MINIMUM_JAVA) {
    throw new ServicesError(`kafka needs Java ${MINIMUM_JAVA} or newer, but ${java} is Java ${version}`);
  }
  return stderr;
}

/**
 * Heap and JIT settings: a small heap, and C1 only, since a test broker's start costs far more CPU than its
 * peak speed is worth on a small machine. `STREAMBRIDGE_KAFKA_JAVA_OPTS` replaces them (e.g. full JIT for a
 * benchmark).
 */
function jvmTuning(env: NodeJS.ProcessEnv): string[] {
  const override = env[KAFKA_JAVA_OPTS_ENV_VAR];
  if (override !== undefined) return override.split(/\s+/).filter(Boolean);
  return ['-Xmx512m', '-Xms128m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1'];
}

/** Formats the storage directory once per port pair (KRaft records the controller endpoint when formatting). */
async function formatStorage(
  config: ServicesConfig,
  java: string,
  jvmFlags: string[],
  classpath: string,
  properties: string,
) {
  const formatFile = join(kafkaDir(config), 'format.json');
  const wanted = { port: config.ports.kafka, controllerPort: config.ports.kafkaController };
  if (existsSync(formatFile)) {
    const record = JSON.parse(readFileSync(formatFile, 'utf8')) as FormatRecord;
    if (record.port === wanted.port && record.controllerPort === wanted.controllerPort) return;
    config.log('kafka: ports changed since the storage was formatted; formatting a fresh one');
  }
  const dataDir = join(kafkaDir(config), 'data');
  rmSync(dataDir, { recursive: true, force: true });
  const clusterId = randomClusterId();
  config.log(`kafka: formatting storage (cluster id ${clusterId})`);
  const tool = [
    ...jvmFlags,
    '-cp',
    classpath,
    `-Dlog4j2.configurationFile=${LOG4J_CONFIG}`,
    'kafka.tools.StorageTool',
  ];
  try {
    await execFileAsync(java, [...tool, 'format', '--standalone', '-t', clusterId, '-c', properties], {
      env: serverEnvironment(config.env),
      timeout: 60_000,
    });
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? '').trim();
    throw new ServicesError(
      `kafka: formatting storage failed: ${stderr.split('\n').at(-1) || String(error)}`,
    );
  }
  writeFileSync(formatFile, `${JSON.stringify({ clusterId, ...wanted } satisfies FormatRecord)}\n`);
}

/** Apache Kafka 4.x in KRaft combined mode, from Maven Central jars, run with `java`. */
export const kafkaServer: ServerDefinition = {
  name: 'kafka',
  title: 'Kafka',
  processMarker: 'kafka.Kafka',
  startTimeoutMs: TIMEOUTS.startKafka,
  stopTimeoutMs: TIMEOUTS.stopKafka,

  ports: (config) => [config.ports.kafka, config.ports.kafkaController],

  missingPrerequisites(config) {
    const missing: MissingPrerequisite[] = [];
    if (!findExecutable('java', config.env)) {
      missing.push({
        name: 'java',
        hint: 'Kafka needs a Java 17+ runtime: apt-get install -y openjdk-17-jre-headless',
      });
    }
    if (!kafkaJarsReady(config) && !findExecutable('mvn', config.env)) {
      missing.push({
        name: 'mvn',
        hint: 'Kafka jars are downloaded with Maven once: apt-get install -y maven',
      });
    }
    return missing;
  },

  install: (config) => installKafkaJars(config),

  async prepare(config) {
    const java = findExecutable('java', config.env) as string;
    const javaVersionText = await checkJavaVersion(java, serverEnvironment(config.env));
    const dir = kafkaDir(config);
    mkdirSync(dir, { recursive: true });
    const properties = join(dir, 'server.properties');
    writeFileSync(properties, serverProperties(config));
    const classpath = `${kafkaJarsDir(config)}/*`;
    const cds = classDataSharing(config, javaVersionText);
    // The storage tool starts a JVM too: same flags, and the archive when there is one (never recording it).
    const toolFlags = [...jvmTuning(config.env), ...(cds.cleanExitRename ? [] : cds.args)];
    await formatStorage(config, java, toolFlags, classpath, properties);
    return {
      file: java,
      args: [
        ...jvmTuning(config.env),
        ...cds.args,
        '-Djava.awt.headless=true',
        `-Dlog4j2.configurationFile=${LOG4J_CONFIG}`,
        '-cp',
        classpath,
        'kafka.Kafka',
        properties,
      ],
      cwd: dir,
      env: serverEnvironment(config.env),
      cleanExitRename: cds.cleanExitRename,
    };
  },

  async probe(config) {
    const kafka = new Kafka({
      clientId: 'streambridge-probe',
      brokers: [`${LOOPBACK_HOST}:${config.ports.kafka}`],
      logLevel: logLevel.NOTHING,
      connectionTimeout: TIMEOUTS.probeAttempt / 2,
      requestTimeout: TIMEOUTS.probeAttempt,
      retry: { retries: 0 },
    });
    const admin = kafka.admin();
    try {
      await admin.connect();
      await admin.listTopics();
    } finally {
      await admin.disconnect();
    }
  },
};
