import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commandLine, isAlive } from './processControl';
import type { PidRecord, ServiceName, ServicesConfig } from './types';

function pidFilePath(config: ServicesConfig, service: ServiceName): string {
  return join(config.stateDir, `${service}.pid`);
}

export function logFilePath(config: ServicesConfig, service: ServiceName): string {
  return join(config.logDir, `${service}.log`);
}

export function readPidRecord(config: ServicesConfig, service: ServiceName): PidRecord | undefined {
  const file = pidFilePath(config, service);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as PidRecord;
  } catch {
    // A torn or hand-edited pid file says nothing reliable; treat the server as not running.
    return undefined;
  }
}

export function writePidRecord(config: ServicesConfig, record: PidRecord): void {
  mkdirSync(config.stateDir, { recursive: true });
  const file = pidFilePath(config, record.service);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(record, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}

export function removePidRecord(config: ServicesConfig, service: ServiceName): void {
  rmSync(pidFilePath(config, service), { force: true });
}

/** The pid record when its process is alive and still runs our server (pids get reused). */
export function runningRecord(
  config: ServicesConfig,
  service: ServiceName,
  processMarker: string,
): PidRecord | undefined {
  const record = readPidRecord(config, service);
  if (!record || !isAlive(record.pid)) return undefined;
  const cmd = commandLine(record.pid);
  if (cmd !== undefined && !cmd.includes(processMarker)) return undefined;
  return record;
}
