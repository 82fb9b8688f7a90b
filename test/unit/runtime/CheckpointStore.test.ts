import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileCheckpointStore, MemoryCheckpointStore } from '../../../local/runtime/pollers/CheckpointStore';

const dirs: string[] = [];

function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'checkpoints-'));
  dirs.push(dir);
  return join(dir, 'nested', 'checkpoints.json');
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('checkpoint stores', () => {
  it('keep one checkpoint per mapping and shard in memory', () => {
    const store = new MemoryCheckpointStore();

    store.set('A', 'shard-1', '10');
    store.set('B', 'shard-1', '20');

    expect(store.get('A', 'shard-1')).toBe('10');
    expect(store.get('B', 'shard-1')).toBe('20');
    expect(store.get('A', 'shard-2')).toBeUndefined();
  });

  it('keep checkpoints in a file that a new store reads back once flushed', async () => {
    // Prepare
    const file = tempFile();
    const first = new FileCheckpointStore(file);

    // Act
    first.set('A', 'shard-1', '10');
    first.set('A', 'shard-1', '11');
    await first.flush();
    const second = new FileCheckpointStore(file);

    // Assess
    expect(second.get('A', 'shard-1')).toBe('11');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ 'A/shard-1': '11' });
  });

  it('refuse a damaged file instead of silently restarting every stream', async () => {
    const file = tempFile();
    const store = new FileCheckpointStore(file);
    store.set('A', 's', '1');
    await store.flush();
    writeFileSync(file, '{ not json');

    expect(() => new FileCheckpointStore(file)).toThrow(/is not a JSON object; delete it/);
  });
});
