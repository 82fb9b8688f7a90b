import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ServicesConfig } from '../types';
import { pomHash } from './kafkaJars';

export interface ClassDataSharing {
  args: string[];
  /** Set when this run records the archive: the JVM writes `from` as it exits, complete only on a clean exit. */
  cleanExitRename?: { from: string; to: string };
}

/**
 * JVM flags for a class data sharing archive of Kafka's classes: the first broker run records it as it exits
 * (`-XX:ArchiveClassesAtExit`), later runs map it (`-XX:SharedArchiveFile`), which about halves the CPU a
 * broker start costs. The archive is keyed by the JVM build and the jar set; a stale or unreadable one is
 * ignored by the JVM (`-Xshare:auto`), so it can only make a start faster.
 *
 * @example
 * ```ts
 * const cds = classDataSharing(config, javaVersionText);
 * spawn(java, [...cds.args, '-cp', classpath, 'kafka.Kafka', properties]);
 * ```
 */
export function classDataSharing(config: ServicesConfig, javaVersionText: string): ClassDataSharing {
  const dir = join(config.cacheDir, 'kafka-cds');
  mkdirSync(dir, { recursive: true });
  const key = createHash('sha256').update(javaVersionText).update(pomHash()).digest('hex').slice(0, 16);
  const archive = join(dir, `kafka-${key}.jsa`);
  if (existsSync(archive)) {
    // Recordings of runs that were killed, or that lost the race to write the archive, are never used.
    for (const name of readdirSync(dir))
      if (name.endsWith('.partial')) rmSync(join(dir, name), { force: true });
    return { args: [`-XX:SharedArchiveFile=${archive}`] };
  }
  const partial = join(dir, `kafka-${key}-${randomUUID()}.jsa.partial`);
  return { args: [`-XX:ArchiveClassesAtExit=${partial}`], cleanExitRename: { from: partial, to: archive } };
}
