import type {
  BatchWriteItemCommand,
  BatchWriteItemCommandOutput,
  WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { BATCH_WRITE_MAX_ITEMS, ItemBatcher } from '../../../local/demo/ItemBatcher';

/** Records each BatchWriteItem call; `unprocessed` decides, per call, which requests come back unprocessed. */
function fakeClient(unprocessed: (call: number, requests: WriteRequest[]) => WriteRequest[] = () => []) {
  const calls: Record<string, WriteRequest[]>[] = [];
  return {
    calls,
    send: async (command: BatchWriteItemCommand): Promise<BatchWriteItemCommandOutput> => {
      const items = command.input.RequestItems ?? {};
      calls.push(items);
      const left = unprocessed(calls.length, Object.values(items).flat());
      return {
        $metadata: {},
        UnprocessedItems: left.length > 0 ? { t: left } : {},
      };
    },
  };
}

const item = (i: number) => ({ pk: { S: `k${i}` } });

describe('ItemBatcher', () => {
  it('sends what arrives within the linger in calls of at most 25, across tables', async () => {
    const client = fakeClient();
    // biome-ignore lint/suspicious/noExplicitAny: the fake implements only send
    const batcher = new ItemBatcher(client as any, 5);

    const writes = [
      ...Array.from({ length: 30 }, (_, i) => batcher.put('a', item(i))),
      batcher.delete('b', item(99)),
    ];
    await Promise.all(writes);

    expect(client.calls.map((call) => Object.values(call).flat().length)).toEqual([BATCH_WRITE_MAX_ITEMS, 6]);
    expect(client.calls[1]?.b).toEqual([{ DeleteRequest: { Key: item(99) } }]);
  });

  it('sends the unprocessed items again and resolves each write only once it was processed', async () => {
    const client = fakeClient((call, requests) => (call === 1 ? requests.slice(0, 1) : []));
    // biome-ignore lint/suspicious/noExplicitAny: the fake implements only send
    const batcher = new ItemBatcher(client as any, 1);

    await Promise.all([batcher.put('t', item(1)), batcher.put('t', item(2))]);

    expect(client.calls).toHaveLength(2);
    expect(client.calls[1]?.t).toEqual([{ PutRequest: { Item: item(1) } }]);
  });

  it('fails the writes a call could not send, naming why', async () => {
    const client = {
      send: async () => {
        throw new Error('moto is down');
      },
    };
    // biome-ignore lint/suspicious/noExplicitAny: the fake implements only send
    const batcher = new ItemBatcher(client as any, 1);

    await expect(batcher.put('t', item(1))).rejects.toThrow('moto is down');
  });

  it('gives up on items left unprocessed call after call', async () => {
    const client = fakeClient((_call, requests) => requests);
    // biome-ignore lint/suspicious/noExplicitAny: the fake implements only send
    const batcher = new ItemBatcher(client as any, 1);

    await expect(batcher.put('t', item(1))).rejects.toThrow(/unprocessed 8 times/);
  });
});
