import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Where a stream mapping keeps each shard's checkpoint (the sequence number of the last record done), so
 * a restarted runtime resumes after it instead of re-reading from the starting position, as an event
 * source mapping does in AWS. Kafka positions live in the broker as committed group offsets.
 */
export interface CheckpointStore {
  get(mappingId: string, shardId: string): string | undefined;
  set(mappingId: string, shardId: string, sequenceNumber: string): void;
}

/** Checkpoints kept for the life of the process. */
export class MemoryCheckpointStore implements CheckpointStore {
  readonly #checkpoints = new Map<string, string>();

  get(mappingId: string, shardId: string): string | undefined {
    return this.#checkpoints.get(`${mappingId}/${shardId}`);
  }

  set(mappingId: string, shardId: string, sequenceNumber: string): void {
    this.#checkpoints.set(`${mappingId}/${shardId}`, sequenceNumber);
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

  get(mappingId: string, shardId: string): string | undefined {
    return this.#checkpoints[`${mappingId}/${shardId}`];
  }

  set(mappingId: string, shardId: string, sequenceNumber: string): void {
    this.#checkpoints[`${mappingId}/${shardId}`] = sequenceNumber;
    mkdirSync(dirname(this.#file), { recursive: true });
    const temporary = `${this.#file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(this.#checkpoints, null, 2));
    renameSync(temporary, this.#file);
  }
}
