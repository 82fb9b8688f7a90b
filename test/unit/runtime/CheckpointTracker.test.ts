import { describe, expect, it } from 'vitest';
import { CheckpointTracker } from '../../../local/runtime/pollers/CheckpointTracker';

describe('CheckpointTracker', () => {
  it('checkpoints only the end of the longest done prefix', () => {
    // Prepare
    const checkpoints: string[] = [];
    const tracker = new CheckpointTracker((position) => checkpoints.push(position));
    tracker.add(['1', '2', '3', '4']);

    // Act
    tracker.done('3');
    tracker.done('2');
    const beforeFirst = [...checkpoints];
    tracker.done('1');
    tracker.done('4');

    // Assess
    expect(beforeFirst).toEqual([]);
    expect(checkpoints).toEqual(['3', '4']);
    expect(tracker.pending).toBe(0);
  });
});
