import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { gateRequests, InFlightGate } from '../../../local/demo/InFlightGate';

/** A task that ends when its `finish` is called, recording when it started. */
function controlled(started: number[], index: number) {
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  return {
    task: async () => {
      started.push(index);
      await done;
      return index;
    },
    finish: () => finish(),
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('InFlightGate', () => {
  it('runs one task at a time under a limit of 1, in arrival order', async () => {
    // Prepare
    const gate = new InFlightGate(() => 1);
    const started: number[] = [];
    const tasks = Array.from({ length: 5 }, (_, i) => controlled(started, i));

    // Act
    const results = tasks.map((t) => gate.run(t.task));
    await tick();
    const startedFirst = [...started];
    for (const t of tasks) {
      t.finish();
      await tick();
    }

    // Assess
    expect(startedFirst).toEqual([0]);
    expect(await Promise.all(results)).toEqual([0, 1, 2, 3, 4]);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(gate.peak).toBe(1);
    expect(gate.inFlight).toBe(0);
  });

  it('lets every waiter in once the limit rises and wake() is called', async () => {
    // Prepare
    let limit = 1;
    const gate = new InFlightGate(() => limit);
    const started: number[] = [];
    const tasks = Array.from({ length: 4 }, (_, i) => controlled(started, i));
    const results = tasks.map((t) => gate.run(t.task));
    await tick();

    // Act
    limit = Number.POSITIVE_INFINITY;
    gate.wake();
    await tick();

    // Assess
    expect(started).toEqual([0, 1, 2, 3]);
    expect(gate.inFlight).toBe(4);
    for (const t of tasks) t.finish();
    expect(await Promise.all(results)).toEqual([0, 1, 2, 3]);
  });

  it('frees its place when a task fails', async () => {
    // Prepare
    const gate = new InFlightGate(() => 1);

    // Act
    const failed = gate.run(async () => {
      throw new Error('boom');
    });
    const next = gate.run(async () => 'next');

    // Assess
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('next');
    expect(gate.inFlight).toBe(0);
  });

  it('never lets a waiter overtake the queue, even when a place is free as it arrives', async () => {
    // Prepare: two tasks under a limit of 2, then the limit drops to 1.
    let limit = 2;
    const gate = new InFlightGate(() => limit);
    const started: number[] = [];
    const [t0, t1, t2, t3] = [0, 1, 2, 3].map((i) => controlled(started, i)) as [
      ReturnType<typeof controlled>,
      ReturnType<typeof controlled>,
      ReturnType<typeof controlled>,
      ReturnType<typeof controlled>,
    ];
    const first = [gate.run(t0.task), gate.run(t1.task)];
    limit = 1;
    const third = gate.run(t2.task);
    await tick();

    // Act: one place frees (still 1 in flight, the limit): the third waits; then the second ends.
    t0.finish();
    await tick();
    const afterFirst = [...started];
    const fourth = gate.run(t3.task);
    t1.finish();
    await tick();

    // Assess
    expect(afterFirst).toEqual([0, 1]);
    expect(started).toEqual([0, 1, 2]);
    t2.finish();
    t3.finish();
    await Promise.all([...first, third, fourth]);
    expect(started).toEqual([0, 1, 2, 3]);
  });
});

describe('gateRequests', () => {
  it("holds a DynamoDB client's requests to the gate's limit", async () => {
    // Prepare: a last middleware answers each request after a few ticks (no network) and counts those in flight.
    let inFlight = 0;
    let peak = 0;
    let sent = 0;
    const client = new DynamoDBClient({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    });
    client.middlewareStack.add(
      () => async () => {
        inFlight += 1;
        sent += 1;
        peak = Math.max(peak, inFlight);
        for (let i = 0; i < 3; i++) await tick();
        inFlight -= 1;
        return { output: { $metadata: {} }, response: {} };
      },
      { step: 'finalizeRequest', priority: 'low', name: 'answerLocally' },
    );
    const gate = new InFlightGate(() => 1);
    gateRequests(client, gate);

    // Act
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        client.send(new GetItemCommand({ TableName: 't', Key: { pk: { S: String(i) } } })),
      ),
    );

    // Assess
    expect(sent).toBe(8);
    expect(peak).toBe(1);
    expect(gate.peak).toBe(1);
  });
});
