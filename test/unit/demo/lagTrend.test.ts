import { describe, expect, it } from 'vitest';
import { LagTrend } from '../../../local/demo/LagTrend';

/** Feeds one lag sample a second (as the demo's live view does) and returns the last answer. */
function feed(trend: LagTrend, lagAt: (second: number) => number, seconds: number): boolean[] {
  const answers: boolean[] = [];
  for (let second = 0; second <= seconds; second++) answers.push(trend.push(second * 1000, lagAt(second)));
  return answers;
}

describe('LagTrend', () => {
  it('says nothing before it has twenty seconds of history', () => {
    // Act
    const answers = feed(new LagTrend(), (second) => second * 100, 19);

    // Assess
    expect(answers.every((answer) => !answer)).toBe(true);
  });

  it('does not read the swing of batching windows as growth (200 events/s, lag between 200 and 600 in a 3 s cycle)', () => {
    // Prepare: a pipeline that keeps up; its lag peaks every other second as Kinesis reads and windows close.
    const swing = (second: number) => [200, 600, 300][second % 3] ?? 0;

    // Act
    const answers = feed(new LagTrend(), swing, 120);

    // Assess
    expect(answers.some((answer) => answer)).toBe(false);
  });

  it('sees a backlog growing under the same swing', () => {
    // Prepare: the same swing on top of 30 records more every second.
    const swing = (second: number) => ([200, 600, 300][second % 3] ?? 0) + second * 30;

    // Act
    const answers = feed(new LagTrend(), swing, 60);

    // Assess
    expect(answers.slice(23).every((answer) => answer)).toBe(true);
  });

  it('does not read one stall that is then worked off as falling behind', () => {
    // Prepare: a pipeline that keeps up (lag 250) stalls for 6 s (a verification pass), then catches up.
    const lag = (second: number) => (second >= 40 && second < 46 ? 250 + (second - 39) * 200 : 250);

    // Act
    const answers = feed(new LagTrend(), lag, 90);

    // Assess
    expect(answers.some((answer) => answer)).toBe(false);
  });

  it('stops saying so once the backlog stops growing', () => {
    // Prepare: growth for 30 s, then flat at the level reached.
    const lag = (second: number) => Math.min(second, 30) * 100;

    // Act
    const answers = feed(new LagTrend(), lag, 60);

    // Assess
    expect(answers[25]).toBe(true);
    expect(answers.slice(45).some((answer) => answer)).toBe(false);
  });
});
