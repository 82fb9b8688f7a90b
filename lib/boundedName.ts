import { createHash } from 'node:crypto';

/**
 * A physical name `<base>-<suffix>` that fits a service's length limit: when too long, the base is cut and
 * a short hash of the full name keeps it unique and stable between synths.
 *
 * @example
 * ```ts
 * boundedName('streambridge', 'cache', 40); // 'streambridge-cache'
 * ```
 */
export function boundedName(base: string, suffix: string, maxLength: number): string {
  const full = `${base}-${suffix}`;
  if (full.length <= maxLength) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 6);
  const room = maxLength - suffix.length - hash.length - 2;
  return `${base.slice(0, Math.max(1, room)).replace(/-+$/, '')}-${hash}-${suffix}`;
}
