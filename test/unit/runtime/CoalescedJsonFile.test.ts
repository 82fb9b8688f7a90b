import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CoalescedJsonFile } from '../../../local/runtime/CoalescedJsonFile';

const dirs: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'coalesced-'));
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('CoalescedJsonFile', () => {
  it('writes many changes made close together once, with the last value, and leaves no temporary file', async () => {
    // Prepare
    const dir = tempDir();
    const path = join(dir, 'nested', 'state.json');
    let value = 0;
    const snapshot = vi.fn(() => ({ value }));
    const file = new CoalescedJsonFile(path, snapshot, { delayMs: 50 });

    // Act
    for (let i = 1; i <= 100; i++) {
      value = i;
      file.changed();
    }
    await vi.waitFor(() => expect(existsSync(path)).toBe(true), { timeout: 5_000, interval: 10 });
    await file.flush();

    // Assess
    expect(snapshot).toHaveBeenCalledTimes(1);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ value: 100 });
    expect(readdirSync(join(dir, 'nested'))).toEqual(['state.json']);
  });

  it('does not write before the delay, and flush writes at once', async () => {
    const path = join(tempDir(), 'state.json');
    const file = new CoalescedJsonFile(path, () => ({ at: 'flush' }), { delayMs: 60_000 });

    file.changed();
    expect(existsSync(path)).toBe(false);
    await file.flush();

    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ at: 'flush' });
  });

  it('writes a change made during a write right after that write, so the file ends with the last value', async () => {
    // Prepare: the first snapshot, taken as the write starts, is followed by a change while it is written.
    const path = join(tempDir(), 'state.json');
    let value = 'first';
    const file = new CoalescedJsonFile(path, () => snapshot(), { delayMs: 60_000 });
    const snapshot = vi.fn(() => {
      const taken = { value };
      if (value === 'first') {
        value = 'second';
        file.changed();
      }
      return taken;
    });

    // Act
    file.changed();
    await file.flush();

    // Assess: written twice in turn by the one flush, without waiting for the 60 s delay.
    expect(snapshot.mock.results.map((result) => result.value)).toEqual([
      { value: 'first' },
      { value: 'second' },
    ]);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ value: 'second' });
  });

  it('reports a failed write and writes again at the next flush', async () => {
    // Prepare: the target path is a directory, so the rename fails.
    const dir = tempDir();
    const path = join(dir, 'state.json');
    mkdirSync(path);
    const errors: unknown[] = [];
    const file = new CoalescedJsonFile(path, () => ({ ok: true }), { onError: (e) => errors.push(e) });

    // Act
    file.changed();
    await file.flush();
    rmSync(path, { recursive: true });
    await file.flush();

    // Assess
    expect(errors).toHaveLength(1);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ ok: true });
  });
});
