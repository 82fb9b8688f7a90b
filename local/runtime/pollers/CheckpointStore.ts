import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CheckpointStore } from './types';

/**
 * What a checkpoint belongs to: the mapping and the stream it reads. A table deleted and created again has
 * a new stream (a new ARN label) whose shard ids may repeat the old ones (moto's do): a checkpoint of the
 * old stream must not place the mapping past records of the new one, so it starts from its starting
 * position instead, as a mapping of a new stream does in AWS.
 *
 * @example
 * ```ts
 * checkpoints.get(checkpointScope(mapping.logicalId, mapping.sourceArn), 'shardId-000000000000');
 * ```
 */
export function checkpointScope(mappingId: string, streamArn: string): string {
  return `${mappingId}@${streamArn}`;
}

/** Checkpoints kept for the life of the process. */
export class MemoryCheckpointStore implements CheckpointStore {
  readonly #checkpoints = new Map<string, string>();

  get(scope: string, shardId: string): string | undefined {
    return this.#checkpoints.get(`${scope}/${shardId}`);
  }

  set(scope: string, shardId: string, sequenceNumber: string): void {
    this.#checkpoints.set(`${scope}/${shardId}`, sequenceNumber);
  }
}

/**
 * Checkpoints in one JSON file (written through a temporary file and a rename, so a crash never leaves half
 * a file).
 *
 * @example
 * ```ts
 * const store = new FileCheckpointStore('.streambridge/state/runtime/checkpoints.json');
 * ```
 */
export class FileCheckpointStore implements CheckpointStore {
  readonly #file: string;
  readonly #checkpoints: Record<string, string>;

  constructor(file: string) {
    this.#file = file;
    this.#checkpoints = FileCheckpointStore.#read(file);
  }

  static #read(file: string): Record<string, string> {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return {};
    }
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
        return parsed as Record<string, string>;
    } catch {
      // Fall through to the error below: a damaged file must not silently restart every stream.
    }
    throw new Error(
      `checkpoint file ${file} is not a JSON object; delete it to restart from the starting positions`,
    );
  }

  get(scope: string, shardId: string): string | undefined {
    return this.#checkpoints[`${scope}/${shardId}`];
  }

  set(scope: string, shardId: string, sequenceNumber: string): void {
    this.#checkpoints[`${scope}/${shardId}`] = sequenceNumber;
    mkdirSync(dirname(this.#file), { recursive: true });
    const temporary = `${this.#file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(this.#checkpoints, null, 2));
    renameSync(temporary, this.#file);
  }
}
