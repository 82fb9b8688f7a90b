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
      refusalsKey: 'sb:refused:g:t:0',
      owedKey: 'sb:owed:g:t:0',
      batchFirstOffset: 10,
      owedOffsets: [12, 15],
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
    expect(call.keys).toEqual([
      'sb:wm:g:t:0',
      'sb:refused:g:t:0',
      'sb:owed:g:t:0',
      'a',
      'b',
      'sb:ver:b',
      'c',
    ]);
    expect(call.argv).toEqual([
      '10',
      '19',
      '60',
      '10',
      '12,15',
      '',
      ...['INCRBY', '4', '1', '3'],
      ...['EXPIRE', '4', '1', '100'],
      ...['SB.VSET', '5', '4', '6', '7', '0', '{}'],
      ...['DEL', '7', '0'],
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
    expect(parseScriptReply([status, '15'])).toEqual({ status, watermark: 15, refusals: [] });
  });

  it('reads the recorded refusals a duplicate reply lists (keys as they are, newlines included)', () => {
    // Act
    const reply = parseScriptReply([
      'dup',
      '19',
      '10-19:3',
      'INCRBY\nWRONGTYPE Operation against a key\npz:b',
      '0-9:0',
      'SB.VSET\nWRONGTYPE x\nodd\nkey',
      'garbage',
      'entry',
    ]);
    // Assess
    expect(reply).toEqual({
      status: 'dup',
      watermark: 19,
      refusals: [
        {
          field: '10-19:3',
          firstOffset: 10,
          lastOffset: 19,
          index: 3,
          command: 'INCRBY',
          key: 'pz:b',
          error: 'WRONGTYPE Operation against a key',
        },
        {
          field: '0-9:0',
          firstOffset: 0,
          lastOffset: 9,
          index: 0,
          command: 'SB.VSET',
          key: 'odd\nkey',
          error: 'WRONGTYPE x',
        },
      ],
    });
  });

  it('reads the claims of a replay call that are no longer owed', () => {
    expect(parseScriptReply(['unowed', '40', '12', '15'])).toEqual({
      status: 'unowed',
      watermark: 40,
      offsets: [12, 15],
    });
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
