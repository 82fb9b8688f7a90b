import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort, PORT_RESERVATIONS_DIR, reservePort } from '../../../local/services/portCheck';

/** Ports above the private range's floor that no other test reserves: a slice of its own per test run. */
const base = 29_000 + (process.pid % 500) * 2;
const used: number[] = [];

function reservationFile(port: number): string {
  used.push(port);
  return join(PORT_RESERVATIONS_DIR, String(port));
}

beforeAll(() => {
  mkdirSync(PORT_RESERVATIONS_DIR, { recursive: true });
});

afterEach(() => {
  for (const port of used.splice(0)) rmSync(join(PORT_RESERVATIONS_DIR, String(port)), { force: true });
});

describe('port reservations', () => {
  it('gives a port to one owner: a second reservation by the same process is refused', () => {
    // Prepare
    rmSync(reservationFile(base), { force: true });

    // Act
    const first = reservePort(base);
    const second = reservePort(base);

    // Assess
    expect([first, second]).toEqual([true, false]);
  });

  it("refuses a port reserved by another live process and takes over a dead process's reservation", () => {
    // Prepare: pid 1 is alive; a process that ran and exited is not.
    writeFileSync(reservationFile(base + 1), '1');
    const exited = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    const deadPid = Number(String(exited.stdout));
    writeFileSync(reservationFile(base + 2), String(deadPid));

    // Act
    const onLive = reservePort(base + 1);
    const onStale = reservePort(base + 2);

    // Assess
    expect(onLive).toBe(false);
    expect(onStale).toBe(true);
  });

  it('never hands the same port out twice in one process', async () => {
    // Act
    const ports = new Set<number>();
    for (let i = 0; i < 20; i++) {
      const port = await freePort();
      reservationFile(port);
      ports.add(port);
    }

    // Assess
    expect(ports.size).toBe(20);
  });
});
