import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  APPLY_SCRIPT,
  APPLY_SCRIPT_SHA,
  encodeScriptCall,
  parseScriptReply,
} from '../../../lambdas/kafka-to-redis/applyScript';

describe('encodeScriptCall', () => {
  it('lists each key once after the watermark and refers to keys by index', () => {
    // Act
    const call = encodeScriptCall({
      watermarkKey: 'sb:wm:g:t:0',
      firstOffset: 10,
      lastOffset: 19,
      tombstoneTtlSeconds: 60,
      commands: [
        { name: 'INCRBY', key: 'a', args: ['3'] },
        { name: 'EXPIRE', key: 'a', args: ['100'] },
        { name: 'SB.VSET', key: 'b', versionKey: 'sb:ver:b', args: ['7', '0', '{}'] },
        { name: 'DEL', key: 'c', args: [] },
      ],
    });
    // Assess
    expect(call.keys).toEqual(['sb:wm:g:t:0', 'a', 'b', 'sb:ver:b', 'c']);
    expect(call.argv).toEqual([
      '10',
      '19',
      '60',
      ...['INCRBY', '2', '1', '3'],
      ...['EXPIRE', '2', '1', '100'],
      ...['SB.VSET', '3', '4', '4', '7', '0', '{}'],
      ...['DEL', '5', '0'],
    ]);
    expect(call.commands).toBe(4);
  });
});

describe('parseScriptReply', () => {
  it('reads an applied call with its stale count and refused commands', () => {
    expect(parseScriptReply(['ok', '19', '2', '0', 'WRONGTYPE x', '3', 'ERR y'])).toEqual({
      status: 'ok',
      watermark: 19,
      stale: 2,
      refused: [
        { index: 0, error: 'WRONGTYPE x' },
        { index: 3, error: 'ERR y' },
      ],
    });
  });

  it.each(['dup', 'behind'] as const)('reads %s with the stored watermark', (status) => {
    expect(parseScriptReply([status, '15'])).toEqual({ status, watermark: 15 });
  });

  it.each([[null], ['ok'], [['nope', '1']], [[1, 2]]])('refuses the reply %j', (reply) => {
    expect(() => parseScriptReply(reply)).toThrow(/unexpected apply script/);
  });
});

describe('APPLY_SCRIPT', () => {
  it('is addressed by its SHA-1 (EVALSHA)', () => {
    expect(APPLY_SCRIPT_SHA).toBe(createHash('sha1').update(APPLY_SCRIPT).digest('hex'));
  });
});
