import type { ServerLookup } from './types';

/** What `status` shows for a deployed resource its server no longer has. */
export const MISSING_ON_SERVER: ServerLookup = { exists: false, detail: 'missing on the server' };

/**
 * Runs a server call; when the server says the resource does not exist, gives `missing` instead.
 *
 * @example
 * ```ts
 * await unlessNotFound(() => deleteIt(), (error) => error instanceof ResourceNotFoundException, false);
 * ```
 */
export async function unlessNotFound<T>(
  call: () => Promise<T>,
  isNotFound: (error: unknown) => boolean,
  missing: T,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (isNotFound(error)) return missing;
    throw error;
  }
}
