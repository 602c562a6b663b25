import { existsSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { MllpPeer } from '../../src/hl7/mllp-peer.server.ts';

/**
 * Finding 11, the MLLP part (issue 11): the MLLP peer (the demo's and tests' stand-in for an EHR's
 * HL7 interface) listened on every interface. By default it binds 127.0.0.1. Checked from the
 * kernel's socket table, not from what the peer says about itself.
 */

/** Local addresses (hex, as /proc/net/tcp{,6} writes them) that are listening on `port`. */
function listeningAddresses(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const found: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(table)) continue;
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const [address, localPort] = (fields[1] ?? '').split(':');
      // State 0A is LISTEN.
      if (localPort === hexPort && fields[3] === '0A') found.push(address!);
    }
  }
  return found;
}

const peers: MllpPeer[] = [];
afterEach(async () => {
  await Promise.all(peers.splice(0).map((peer) => peer.stop()));
});

describe('MLLP peer listens on loopback by default', () => {
  it('binds 127.0.0.1, not every interface, and keeps it across a restart', async () => {
    const peer = new MllpPeer();
    peers.push(peer);
    const port = await peer.start();
    expect(listeningAddresses(port)).toEqual(['0100007F']); // 127.0.0.1, little-endian hex
    await peer.stop();
    await peer.start();
    expect(peer.port).toBe(port);
    expect(listeningAddresses(port)).toEqual(['0100007F']);
  });

  it('binds another interface only when asked', async () => {
    const peer = new MllpPeer({ host: '0.0.0.0' });
    peers.push(peer);
    const port = await peer.start();
    expect(listeningAddresses(port)).toEqual(['00000000']);
  });
});
