/**
 * Maps items with at most `limit` calls in flight, keeping result order. Used for the independent writes
 * of a batch (BatchWriteItem chunks, one UpdateItem per key), so they overlap without flooding DynamoDB.
 *
 * @example
 * ```ts
 * const results = await mapConcurrently(chunks, 16, (chunk) => writeChunk(chunk));
 * ```
 */
export async function mapConcurrently<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
