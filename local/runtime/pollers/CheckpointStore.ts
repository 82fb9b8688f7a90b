import { readFileSync } from 'node:fs';
import { CoalescedJsonFile } from '../CoalescedJsonFile';
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
 * Checkpoints in one JSON file, written off the event loop at most every 250 ms and through a temporary file
 * and a rename, so a crash never leaves half a file (`CoalescedJsonFile`). A crash can lose the last 250 ms
 * of checkpoints: those records are read again, as after any failure. `flush` writes what is left at stop.
 *
 * @example
 * ```ts
 * const store = new FileCheckpointStore('.streambridge/state/runtime/checkpoints.json');
 * ```
 */
export class FileCheckpointStore implements CheckpointStore {
  readonly #checkpoints: Record<string, string>;
  readonly #file: CoalescedJsonFile;

  constructor(file: string) {
    this.#checkpoints = FileCheckpointStore.#read(file);
    this.#file = new CoalescedJsonFile(file, () => this.#checkpoints);
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
    this.#file.changed();
  }

  flush(): Promise<void> {
    return this.#file.flush();
  }
}
