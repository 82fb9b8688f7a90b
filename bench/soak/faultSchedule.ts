/**
 * The soak's faults, drawn in advance from a seeded PRNG: when each happens and what it does. Each kind
 * comes up once per round (a shuffled deck), the gaps between faults are random within the plan's bounds,
 * and no fault starts in the quiet tail before the workload stops. Pure, so a seed always gives the same
 * schedule (the result file lists it).
 */
import { Prng } from '../../local/demo/Prng';
import { CRASHABLE_SERVERS, STALLABLE_SERVERS } from './constants';
import type { Fault, FaultPlan } from './types';

/** Every fault kind on every server it applies to: one round of the full schedule. */
function fullDeck(): Fault['kind'][] {
  return [
    ...CRASHABLE_SERVERS.map((server) => `crash:${server}` as const),
    ...STALLABLE_SERVERS.map((server) => `stall:${server}` as const),
    'kill:function',
  ];
}

function shuffled<T>(items: readonly T[], prng: Prng): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = prng.int(0, i);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** One crash, one stall (each of a server drawn from the seed) and one function kill. */
function oneOfEachDeck(prng: Prng): Fault['kind'][] {
  const crash = CRASHABLE_SERVERS[prng.int(0, CRASHABLE_SERVERS.length - 1)];
  const stall = STALLABLE_SERVERS[prng.int(0, STALLABLE_SERVERS.length - 1)];
  return shuffled([`crash:${crash}`, `stall:${stall}`, 'kill:function'] as Fault['kind'][], prng);
}

export function faultSchedule(plan: FaultPlan, seed: number, durationMs: number): Fault[] {
  const prng = new Prng(seed);
  const faults: Fault[] = [];
  const lastStart = durationMs - plan.quietTailMs;
  let at = plan.firstAtMs;
  let deck: Fault['kind'][] = [];
  let rounds = 0;
  while (at <= lastStart) {
    if (deck.length === 0) {
      if (plan.oneOfEach && rounds > 0) break;
      deck = plan.oneOfEach ? oneOfEachDeck(prng) : shuffled(fullDeck(), prng);
      rounds += 1;
    }
    const kind = deck.shift() as Fault['kind'];
    const ms = kind.startsWith('stall:')
      ? prng.int(plan.stallMs[0], plan.stallMs[1])
      : kind.startsWith('crash:')
        ? prng.int(plan.downMs[0], plan.downMs[1])
        : 0;
    faults.push({ atMs: at, kind, ms });
    at += prng.int(plan.gapMs[0], plan.gapMs[1]);
  }
  return faults;
}
