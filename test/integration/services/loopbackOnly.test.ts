import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resolveServicesConfig, servicesStatus } from '../../../local/services';

/** Local addresses (hex, as /proc/net/tcp{,6} print them) of the sockets listening on a port. */
function listeningAddresses(port: number): string[] {
  const portHex = port.toString(16).toUpperCase().padStart(4, '0');
  const addresses: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').trim().split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      const [address, localPort] = local.split(':');
      if (state === '0A' && localPort === portHex) addresses.push(address);
    }
  }
  return addresses;
}

const loopbackV4 = '0100007F';
const loopbackV4MappedV6 = '0000000000000000FFFF00000100007F';

describe('local servers', () => {
  it('listen on 127.0.0.1 only, on every port (kinesis-mock included, which hard-codes 0.0.0.0)', async () => {
    // Prepare
    const running = (await servicesStatus()).filter((status) => status.health === 'healthy');
    // The servers of the AWS target the run uses (moto + kinesis-mock by default, LocalStack + moto on localstack)
    expect(running.map((status) => status.service).sort()).toEqual(
      [...resolveServicesConfig().services].sort(),
    );
    expect(running.length).toBeGreaterThanOrEqual(2);

    // Act
    const bound = running.flatMap((status) =>
      status.ports.map((port) => ({ service: status.service, port, addresses: listeningAddresses(port) })),
    );

    // Assess
    for (const { addresses } of bound) {
      expect(addresses.length).toBeGreaterThan(0);
      for (const address of addresses) expect([loopbackV4, loopbackV4MappedV6]).toContain(address);
    }
  });
});
