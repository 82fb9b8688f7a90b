import { describe, expect, it } from 'vitest';
import { ReplayArgsError } from '../../../local/replay/errors';
import { parseReplayArgs } from '../../../local/replay/parseReplayArgs';

describe('parseReplayArgs', () => {
  it('replays both sources of the local deployment by default', () => {
    expect(parseReplayArgs([])).toEqual({
      source: 'both',
      target: 'local',
      dryRun: false,
      buckets: [],
      queues: [],
    });
  });

  it('reads every option', () => {
    // Act
    const options = parseReplayArgs([
      ...['--source', 's3', '--function', 'to-redis', '--mapping', 'clicks-0', '--limit', '5', '--dry-run'],
      ...['--target', 'aws', '--bucket', 'b1', '--bucket', 'b2', '--queue', 'q', '--state', 's.json'],
    ]);
    // Assess
    expect(options).toEqual({
      source: 's3',
      functionFilter: 'to-redis',
      mappingFilter: 'clicks-0',
      limit: 5,
      dryRun: true,
      target: 'aws',
      buckets: ['b1', 'b2'],
      queues: ['q'],
      stateFile: 's.json',
    });
  });

  it('answers help', () => {
    expect(parseReplayArgs(['--help'])).toBe('help');
    expect(parseReplayArgs(['-h'])).toBe('help');
  });

  it.each([
    [['--source', 'kafka'], '--source must be one of s3, dlq, both, got "kafka"'],
    [['--target', 'cloud'], '--target must be one of local, aws, got "cloud"'],
    [['--limit', '0'], '--limit must be a positive integer, got "0"'],
    [['--limit', '2.5'], '--limit must be a positive integer, got "2.5"'],
    [['--limit', 'many'], '--limit must be a positive integer, got "many"'],
    [['--function', ' '], '--function must not be empty'],
    [['now'], 'unexpected arguments: now'],
    [['--target', 'aws'], '--target aws reads failure records from the bucket named by --bucket'],
    [['--force'], "Unknown option '--force'"],
    [['--limit'], "Option '--limit <value>' argument missing"],
  ])('refuses %j, naming what is wrong', (args, message) => {
    expect(() => parseReplayArgs(args)).toThrow(ReplayArgsError);
    expect(() => parseReplayArgs(args)).toThrow(message);
  });

  it('needs no bucket on AWS when only dead letters are replayed', () => {
    expect(parseReplayArgs(['--target', 'aws', '--source', 'dlq'])).toMatchObject({
      target: 'aws',
      source: 'dlq',
    });
  });
});
