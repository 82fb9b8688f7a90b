import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VERSIONS } from '../constants';
import { findExecutable } from '../findExecutable';
import { runInstallStep } from '../runInstallStep';
import type { ServicesConfig } from '../types';

const POM_FILE = join(dirname(fileURLToPath(import.meta.url)), 'pom.xml');
const COMPLETE_MARKER = '.complete';

export function kafkaJarsDir(config: ServicesConfig): string {
  return join(config.cacheDir, 'kafka-jars');
}

/** The pom's hash: a changed pom (new Kafka version) downloads the jars again. */
export function pomHash(): string {
  return createHash('sha256').update(readFileSync(POM_FILE)).digest('hex');
}

export function kafkaJarsReady(config: ServicesConfig): boolean {
  const file = join(kafkaJarsDir(config), COMPLETE_MARKER);
  return existsSync(file) && readFileSync(file, 'utf8').trim() === pomHash();
}

/**
 * Downloads Kafka and its runtime dependencies from Maven Central into the cache, once.
 *
 * @example
 * ```ts
 * await installKafkaJars(config); // no-op when .streambridge/cache/kafka-jars is complete
 * ```
 */
export async function installKafkaJars(config: ServicesConfig): Promise<void> {
  if (kafkaJarsReady(config)) return;
  const mvn = findExecutable('mvn', config.env);
  if (!mvn) throw new Error('mvn not found on PATH');
  const target = kafkaJarsDir(config);
  const staging = `${target}.partial`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(dirname(target), { recursive: true });
  config.log(`kafka: downloading Kafka ${VERSIONS.kafka} jars from Maven Central (first run only)`);
  await runInstallStep({
    label: 'kafka',
    file: mvn,
    args: [
      '-B',
      '-f',
      POM_FILE,
      'dependency:copy-dependencies',
      `-DoutputDirectory=${staging}`,
      '-DincludeScope=runtime',
    ],
    cwd: dirname(target),
    env: config.env,
    log: config.log,
    progress: (line) => {
      const downloaded = /Downloaded from \S+: \S+\/([^/\s]+\.jar) \(([^)]*)\)/.exec(line);
      if (downloaded) return `downloaded ${downloaded[1]} (${downloaded[2]})`;
      return /\[(ERROR|WARNING)\]/.test(line) ? line : undefined;
    },
  });
  writeFileSync(join(staging, COMPLETE_MARKER), pomHash());
  rmSync(target, { recursive: true, force: true });
  renameSync(staging, target);
  config.log(`kafka: jars ready in ${target}`);
}
