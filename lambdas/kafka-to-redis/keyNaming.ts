/**
 * Names of the keys the sink writes for itself (watermarks, cache versions), and the Redis Cluster slot
 * of a key.
 *
 * Cluster design: a script may only touch keys of one hash slot, so the sink groups a chunk's writes by
 * the slot of each key and runs one script per slot. Each slot group carries its own watermark,
 * `sb:wm:{<tag>}:<group>:<topic>:<partition>`, where `<tag>` is a short string chosen so that the
 * watermark hashes to that very slot; a cache entry's version key `sb:ver:{<tag>}:<key>` likewise lands
 * in its entry's slot. User keys need no hash tags (though tagging related keys, e.g. `views:{home}:…`,
 * puts them in one group and one script call). A single primary needs none of this: one watermark per
 * partition, `sb:wm:<group>:<topic>:<partition>`, and `sb:ver:<key>`.
 *
 * The tag of a slot is the first string in the fixed sequence `0, 1, …, z, 10, 11, …` (base 36) whose
 * slot it is; the table is filled on demand and is the same in every execution environment, forever.
 *
 * @example
 * ```ts
 * const naming = new KeyNaming({ cluster: true, consumerGroup: 'sink' });
 * naming.watermarkKey('clicks', 0, naming.slotOf('views:home')); // 'sb:wm:{…}:sink:clicks:0'
 * ```
 */
import calculateSlot from 'cluster-key-slot';
import { REDIS_LIMITS, REDIS_SINK_KEYS } from './constants';

const slotTags: string[] = new Array<string>(REDIS_LIMITS.clusterSlots);
let nextCandidate = 0;
let tagsFound = 0;

/** The tag of a slot: a string whose own slot is `slot` (see the module comment). */
export function slotTag(slot: number): string {
  if (!Number.isInteger(slot) || slot < 0 || slot >= REDIS_LIMITS.clusterSlots) {
    throw new RangeError(`slot ${slot} is not a cluster hash slot (0–${REDIS_LIMITS.clusterSlots - 1})`);
  }
  while (slotTags[slot] === undefined && tagsFound < REDIS_LIMITS.clusterSlots) {
    const candidate = (nextCandidate++).toString(36);
    const candidateSlot = calculateSlot(candidate);
    if (slotTags[candidateSlot] === undefined) {
      slotTags[candidateSlot] = candidate;
      tagsFound++;
    }
  }
  return slotTags[slot] as string;
}

export class KeyNaming {
  readonly cluster: boolean;
  readonly #group: string;

  constructor(options: { cluster: boolean; consumerGroup: string }) {
    this.cluster = options.cluster;
    this.#group = options.consumerGroup;
  }

  /** The hash slot of a key in cluster mode; `undefined` for a single primary (one group). */
  slotOf(key: string): number | undefined {
    return this.cluster ? calculateSlot(key) : undefined;
  }

  watermarkKey(topic: string, partition: number, slot: number | undefined): string {
    return this.#partitionKey(REDIS_SINK_KEYS.watermarkPrefix, topic, partition, slot);
  }

  /** The refusals outbox of the watermark with the same arguments (in its hash slot). */
  refusalsKey(topic: string, partition: number, slot: number | undefined): string {
    return this.#partitionKey(REDIS_SINK_KEYS.refusalsPrefix, topic, partition, slot);
  }

  #partitionKey(prefix: string, topic: string, partition: number, slot: number | undefined): string {
    const scope = slot === undefined ? '' : `{${slotTag(slot)}}:`;
    return `${prefix}${scope}${this.#group}:${topic}:${partition}`;
  }

  versionKey(key: string): string {
    return this.#companionKey(REDIS_SINK_KEYS.versionPrefix, key);
  }

  seenKey(key: string): string {
    return this.#companionKey(REDIS_SINK_KEYS.seenPrefix, key);
  }

  /** A sink-owned key that lives in `key`'s slot, so one script call can touch both. */
  #companionKey(prefix: string, key: string): string {
    const slot = this.slotOf(key);
    const scope = slot === undefined ? '' : `{${slotTag(slot)}}:`;
    return `${prefix}${scope}${key}`;
  }
}
