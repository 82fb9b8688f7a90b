/**
 * The moto launcher's settings from the environment (`STREAMBRIDGE_TTL_*`, `STREAMBRIDGE_STREAM_*`), checked
 * with errors that name the variable, and the flags that pass them to `moto_server_launcher.py`.
 */
import { ServicesError } from '../errors';
import { MotoSettingDefaults, MotoSettingEnvVars } from './constants';
import type { MotoSettings } from './types';

function seconds(env: NodeJS.ProcessEnv, key: Exclude<keyof MotoSettings, 'ttlExpiry'>): number {
  const name = MotoSettingEnvVars[key];
  const text = env[name];
  if (text === undefined || text.trim() === '') return MotoSettingDefaults[key];
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0)
    throw new ServicesError(`${name} must be a number of seconds above 0, got "${text}"`);
  return value;
}

function onOff(env: NodeJS.ProcessEnv): boolean {
  const name = MotoSettingEnvVars.ttlExpiry;
  const text = env[name]?.trim().toLowerCase();
  if (text === undefined || text === '') return MotoSettingDefaults.ttlExpiry;
  if (text === 'on') return true;
  if (text === 'off') return false;
  throw new ServicesError(`${name} must be "on" or "off", got "${env[name]}"`);
}

/**
 * The settings a moto started now would run with.
 *
 * @example
 * ```ts
 * motoSettings({ STREAMBRIDGE_STREAM_RETENTION_SECONDS: '600' });
 * // { ttlExpiry: true, sweepSeconds: 5, streamRetentionSeconds: 600, iteratorSeconds: 900 }
 * ```
 */
export function motoSettings(env: NodeJS.ProcessEnv): MotoSettings {
  return {
    ttlExpiry: onOff(env),
    sweepSeconds: seconds(env, 'sweepSeconds'),
    streamRetentionSeconds: seconds(env, 'streamRetentionSeconds'),
    iteratorSeconds: seconds(env, 'iteratorSeconds'),
  };
}

/** The launcher's command-line flags for the settings (they show in `ps` and in the log's first line). */
export function motoLauncherArgs(settings: MotoSettings): string[] {
  return [
    '--ttl-expiry',
    settings.ttlExpiry ? 'on' : 'off',
    '--sweep-seconds',
    String(settings.sweepSeconds),
    '--stream-retention-seconds',
    String(settings.streamRetentionSeconds),
    '--iterator-seconds',
    String(settings.iteratorSeconds),
  ];
}
