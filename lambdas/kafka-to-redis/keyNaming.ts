/**
 * Names of the keys the Redis sink writes for itself (watermarks, refusals outboxes, cache versions), and the
 * Redis Cluster slot of a key; in cluster mode each slot group gets its own watermark, tagged to hash to that
 * slot (docs/handlers.md, "Redis sink").
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

/**
 * The sink-owned key names of one consumer group, single primary or cluster.
 *
 * @example
 * ```ts
 * const naming = new KeyNaming({ cluster: true, consumerGroup: 'sink' });
 * naming.watermarkKey('clicks', 0, naming.slotOf('views:home')); // 'sb:wm:{…}:sink:clicks:0'
 * ```
 */
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

  /** The owed ledger of the watermark with the same arguments (in its hash slot). */
  owedKey(topic: string, partition: number, slot: number | undefined): string {
    return this.#partitionKey(REDIS_SINK_KEYS.owedPrefix, topic, partition, slot);
  }

  /** The dead-letter watermark of a partition (one key, whatever the slots its writes go to). */
  deadLetteredKey(topic: string, partition: number): string {
    return this.#partitionKey(REDIS_SINK_KEYS.deadLetteredPrefix, topic, partition, undefined);
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
