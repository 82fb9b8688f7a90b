import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RuntimeLog } from '../../../local/demo/RuntimeLog';

describe('RuntimeLog', () => {
  let dir: string;
  let file: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sb-runtime-log-'));
    file = join(dir, 'logs', 'runtime.log');
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('appends each line at once, in a new folder, and keeps the previous run as <file>.1', () => {
    const first = new RuntimeLog(file);
    first.write('run 1 a');
    first.write('run 1 b');
    expect(readFileSync(file, 'utf8')).toBe('run 1 a\nrun 1 b\n');
    const second = new RuntimeLog(file);
    second.write('run 2');
    expect(readFileSync(file, 'utf8')).toBe('run 2\n');
    expect(readFileSync(`${file}.1`, 'utf8')).toBe('run 1 a\nrun 1 b\n');
  });

  it('goes on in the same file after close when a late line comes', () => {
    const log = new RuntimeLog(file);
    log.write('before stop');
    log.close();
    log.close();
    log.write('late line');
    log.close();
    expect(readFileSync(file, 'utf8')).toBe('before stop\nlate line\n');
  });

  it('moves on to a fresh file when the next line would pass the cap, keeping one previous file', () => {
    const log = new RuntimeLog(file, 20);
    for (const line of ['0123456789', 'abcdefghi', 'second file', 'third']) log.write(line);
    // 11 + 10 bytes pass 20: a second file from 'abcdefghi'; 10 + 12 pass it again: a third from 'second
    // file', which 'third' (6 more) joins. The first file is gone, the second is the previous one.
    expect(readFileSync(`${file}.1`, 'utf8')).toBe('abcdefghi\n');
    expect(readFileSync(file, 'utf8')).toBe('second file\nthird\n');
  });

  it('writes a line longer than the cap whole, alone in its file', () => {
    const log = new RuntimeLog(file, 4);
    log.write('a line of 21 bytes..');
    log.write('b');
    expect(readFileSync(`${file}.1`, 'utf8')).toBe('a line of 21 bytes..\n');
    expect(readFileSync(file, 'utf8')).toBe('b\n');
  });

  it('starts without rotating an empty file away, and refuses a cap that is not a positive integer', () => {
    new RuntimeLog(file).write('x');
    writeFileSync(file, '');
    new RuntimeLog(file);
    expect(existsSync(`${file}.1`)).toBe(false);
    expect(() => new RuntimeLog(file, 0)).toThrow('maxBytes must be a positive integer (got 0)');
  });
});
