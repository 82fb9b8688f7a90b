/**
 * The arguments of `streambridge replay`, checked: every problem is named (`--limit must be a positive
 * integer, got "x"`), and an unknown option or value fails before anything is read.
 *
 * @example
 * ```ts
 * parseReplayArgs(['--source', 's3', '--dry-run']); // { source: 's3', dryRun: true, target: 'local', … }
 * ```
 */
import { parseArgs } from 'node:util';
import { REPLAY_SOURCES } from './constants';
import { ReplayArgsError } from './errors';
import type { ReplayOptions, ReplaySource } from './types';

const TARGETS = ['local', 'aws'] as const;

function oneOf<T extends string>(
  name: string,
  value: string | undefined,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new ReplayArgsError(`--${name} must be one of ${allowed.join(', ')}, got "${value}"`);
}

/** Parses the arguments after `replay`; `'help'` when help was asked for. */
export function parseReplayArgs(args: readonly string[]): ReplayOptions | 'help' {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (error) {
    throw new ReplayArgsError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  if (positionals.length > 0) throw new ReplayArgsError(`unexpected arguments: ${positionals.join(' ')}`);
  let limit: number | undefined;
  if (values.limit !== undefined) {
    limit = Number(values.limit);
    if (!/^\d+$/.test(values.limit) || !Number.isSafeInteger(limit) || limit < 1) {
      throw new ReplayArgsError(`--limit must be a positive integer, got "${values.limit}"`);
    }
  }
  const source: ReplaySource = oneOf('source', values.source, REPLAY_SOURCES, 'both');
  const target = oneOf('target', values.target, TARGETS, 'local');
  const buckets = values.bucket ?? [];
  if (target === 'aws' && source !== 'dlq' && buckets.length === 0) {
    throw new ReplayArgsError(
      '--target aws reads failure records from the bucket named by --bucket (the data stack output FailureRecordBucketName); or replay only dead letters with --source dlq',
    );
  }
  for (const [name, value] of [
    ['function', values.function],
    ['mapping', values.mapping],
  ] as const) {
    if (value !== undefined && value.trim() === '') throw new ReplayArgsError(`--${name} must not be empty`);
  }
  return {
    source,
    target,
    dryRun: values['dry-run'] === true,
    buckets,
    queues: values.queue ?? [],
    ...(values.function === undefined ? {} : { functionFilter: values.function }),
    ...(values.mapping === undefined ? {} : { mappingFilter: values.mapping }),
    ...(limit === undefined ? {} : { limit }),
    ...(values.state === undefined ? {} : { stateFile: values.state }),
  };
}

function parse(args: readonly string[]) {
  return parseArgs({
    args: [...args],
    allowPositionals: true,
    strict: true,
    options: {
      source: { type: 'string' },
      function: { type: 'string' },
      mapping: { type: 'string' },
      limit: { type: 'string' },
      'dry-run': { type: 'boolean' },
      target: { type: 'string' },
      bucket: { type: 'string', multiple: true },
      queue: { type: 'string', multiple: true },
      state: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
