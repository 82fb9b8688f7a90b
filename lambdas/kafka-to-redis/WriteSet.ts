/**
 * The compacted writes of one chunk, one per (kind, key), with the running size of the script arguments
 * they will take.
 *
 * @example
 * ```ts
 * const writes = new WriteSet(naming);
 * writes.counter('views:home').add(record, null, 1);
 * writes.sizes.args; // grows with distinct keys and fields, not with events
 * ```
 */
import {
  CacheWrite,
  CounterWrite,
  LeaderboardWrite,
  ListWrite,
  SessionWrite,
  StreamWrite,
  UniqueWrite,
} from './compactedWrites';
import type { KeyNaming } from './keyNaming';
import type { KeyWrite, WriteSizes } from './types';

type AnyWrite =
  | CacheWrite
  | CounterWrite
  | LeaderboardWrite
  | ListWrite
  | SessionWrite
  | StreamWrite
  | UniqueWrite;

export class WriteSet {
  readonly sizes: WriteSizes = { args: 0, bytes: 0 };
  readonly #naming: KeyNaming;
  readonly #writes = new Map<string, AnyWrite>();

  constructor(naming: KeyNaming) {
    this.#naming = naming;
  }

  get size(): number {
    return this.#writes.size;
  }

  get writes(): KeyWrite[] {
    return [...this.#writes.values()];
  }

  /** Events dropped because a newer version of their cache entry was in the same chunk. */
  get staleInBatch(): number {
    let stale = 0;
    for (const write of this.#writes.values()) if (write instanceof CacheWrite) stale += write.staleInBatch;
    return stale;
  }

  counter(key: string): CounterWrite {
    return this.#get('counter', key, () => new CounterWrite(key, this.sizes));
  }

  leaderboard(key: string): LeaderboardWrite {
    return this.#get('leaderboard', key, () => new LeaderboardWrite(key, this.sizes));
  }

  unique(key: string): UniqueWrite {
    return this.#get('unique', key, () => new UniqueWrite(key, this.sizes));
  }

  session(key: string, store: 'hash' | 'string'): SessionWrite {
    return this.#get(`session-${store}`, key, () => new SessionWrite(key, this.sizes, store));
  }

  cache(key: string, ttlSeconds: number | undefined): CacheWrite {
    return this.#get(
      'cache',
      key,
      () => new CacheWrite(key, this.sizes, this.#naming.versionKey(key), ttlSeconds),
    );
  }

  stream(key: string): StreamWrite {
    return this.#get('stream', key, () => new StreamWrite(key, this.sizes));
  }

  list(key: string): ListWrite {
    return this.#get('list', key, () => new ListWrite(key, this.sizes));
  }

  #get<T extends AnyWrite>(kind: string, key: string, create: () => T): T {
    const id = `${kind}\u0000${key}`;
    let write = this.#writes.get(id);
    if (!write) {
      write = create();
      this.#writes.set(id, write);
    }
    return write as T;
  }
}
