/** Reads the moto launcher's `GET /_streambridge/status`: the settings it runs with and its counters. */
import { LOOPBACK_HOST } from '../constants';
import { ServicesError } from '../errors';
import { MOTO_STATUS_PATH } from './constants';
import type { MotoStatus } from './types';

/**
 * The status of the moto listening on `port`; fails when it is not the streambridge launcher (a plain
 * `moto_server` started by an older streambridge answers this path with an error).
 *
 * @example
 * ```ts
 * const { settings, counters } = await readMotoStatus(14566);
 * counters.ttlDeleted; // items deleted by TTL expiry so far
 * ```
 */
export async function readMotoStatus(port: number, timeoutMs = 2_000): Promise<MotoStatus> {
  const url = `http://${LOOPBACK_HOST}:${port}${MOTO_STATUS_PATH}`;
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  const text = await response.text();
  let status: Partial<MotoStatus> | undefined;
  try {
    status = JSON.parse(text) as Partial<MotoStatus>;
  } catch {
    status = undefined;
  }
  if (!response.ok || status?.launcher !== 'streambridge' || !status.settings || !status.counters) {
    throw new ServicesError(
      `the moto on port ${port} is not the streambridge launcher (no ${MOTO_STATUS_PATH}: HTTP ${response.status}); an older moto_server?`,
    );
  }
  return status as MotoStatus;
}
