import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../lib/logger.ts';
import { Hl7DeliveryError } from './hl7-delivery.ts';
import { buildMdmT02, type CallNoteMessageInput } from './mdm-message.mapper.ts';
import { MllpClient } from './mllp.client.ts';
import { MllpPeer } from './mllp-peer.server.ts';

/**
 * The MLLP client against a real receiving peer over loopback sockets (port 0). Every patient and
 * note here is synthetic; the CANARY strings must never reach logs or errors.
 */

const canary = 'CANARY-Zebulon-Quux';

function note(documentId: string, text = `Synthetic call note for ${canary}.\nCall back today.`): CallNoteMessageInput {
  return {
    sendingApp: 'CALLCHART',
    sendingFacility: 'SYNTH-CLINIC',
    receivingApp: 'SYNTH-EHR',
    receivingFacility: 'SYNTH-HOSP',
    at: new Date('2026-03-03T14:05:06Z'),
    patient: { id: 'pat-001', familyName: canary, givenName: 'Ada', birthDate: '1952-03-03' },
    note: { documentId, title: 'Synthetic', text, authoredBy: 'staff-7', approvedBy: 'rn-2', status: 'approved' },
  };
}

async function failureOf(attempt: Promise<unknown>): Promise<Hl7DeliveryError> {
  try {
    await attempt;
  } catch (error) {
    if (error instanceof Hl7DeliveryError) return error;
    throw error;
  }
  throw new Error('expected the send to fail');
}

let logLines: string[];
let peer: MllpPeer;
let client: MllpClient;

function clientFor(port: number, ackTimeoutMs = 2_000): MllpClient {
  const destination = new Writable({ write: (chunk, _encoding, done) => (logLines.push(String(chunk)), done()) });
  return new MllpClient({ host: '127.0.0.1', port, ackTimeoutMs, connectTimeoutMs: 2_000, logger: createLogger({ level: 'debug', destination }) });
}

beforeEach(async () => {
  logLines = [];
  peer = new MllpPeer({ delayMs: 600 });
  client = clientFor(await peer.start(), 250);
});

afterEach(async () => {
  await client.close();
  await peer.stop();
  // Logs carry ids and outcomes only.
  expect(logLines.join('')).not.toContain('CANARY');
});

describe('MLLP write-back', () => {
  it('delivers on AA and the receiver files the note once', async () => {
    const delivery = await client.send(buildMdmT02(note('call-aa')));
    expect(delivery).toMatchObject({ ackCode: 'AA', commitAccepted: false });
    expect(delivery.roundTripMs).toBeGreaterThan(0);
    expect(peer.documents()).toEqual([expect.objectContaining({ documentId: 'call-aa', namespace: 'CALLCHART', deliveries: 1 })]);
    expect(peer.documents()[0]!.text).toBe(`Synthetic call note for ${canary}.\nCall back today.`);
    expect(logLines.some((line) => line.includes('hl7 message delivered'))).toBe(true);
  });

  it('AR is a permanent failure with the coded reason only, and nothing is filed', async () => {
    peer.injectNext('reject');
    const error = await failureOf(client.send(buildMdmT02(note('call-ar'))));
    expect(error).toMatchObject({ hl7Failure: 'HL7_APPLICATION_REJECTED', code: 'HL7_APPLICATION_REJECTED', retry: 'permanent' });
    expect(error.detail).toMatchObject({ ackCode: 'AR', errorCode: '200', errorLocation: 'MSH-9' });
    expect(peer.deliveriesOf('call-ar')).toBe(0);
    expect(JSON.stringify({ message: error.message, detail: error.detail })).not.toContain('CANARY');
  });

  it('AE is a permanent, visible failure; the connection stays usable', async () => {
    peer.injectNext('error');
    const error = await failureOf(client.send(buildMdmT02(note('call-ae'))));
    expect(error).toMatchObject({ hl7Failure: 'HL7_APPLICATION_ERROR', retry: 'permanent' });
    expect(error.detail).toMatchObject({ ackCode: 'AE', errorCode: '207' });
    expect(client.connected).toBe(true);
    await expect(client.send(buildMdmT02(note('call-after-ae')))).resolves.toMatchObject({ ackCode: 'AA' });
  });

  it('a receiver missing the document number answers AE 101 at TXA-12', async () => {
    const message = buildMdmT02(note('call-no-number'));
    message.getSegment('TXA')!.setField(12, '');
    const error = await failureOf(client.send(message));
    expect(error.detail).toMatchObject({ ackCode: 'AE', errorCode: '101', errorLocation: 'TXA-12' });
  });

  it('no ACK within the timeout after writing is ambiguous: the receiver did file it', async () => {
    peer.injectNext('delay');
    const message = buildMdmT02(note('call-slow'));
    const error = await failureOf(client.send(message));
    expect(error).toMatchObject({ hl7Failure: 'HL7_ACK_TIMEOUT', code: 'HL7_ACK_TIMEOUT', retry: 'ambiguous' });
    expect(peer.deliveriesOf('call-slow')).toBe(1);
    // Resending the same bytes is safe because the receiver de-duplicates by TXA-12.
    await expect(client.send(message)).resolves.toMatchObject({ ackCode: 'AA' });
    expect(peer.deliveriesOf('call-slow')).toBe(2);
    expect(peer.documents()).toHaveLength(1);
  });

  it('a connection dropped before the ACK is ambiguous, and the next send reconnects', async () => {
    peer.injectNext('drop');
    const error = await failureOf(client.send(buildMdmT02(note('call-drop'))));
    expect(error).toMatchObject({ hl7Failure: 'HL7_CONNECTION_LOST', retry: 'ambiguous' });
    expect(peer.deliveriesOf('call-drop')).toBe(1);
    await expect(client.send(buildMdmT02(note('call-after-drop')))).resolves.toMatchObject({ ackCode: 'AA' });
  });

  it('peer down is transient; after the peer restarts on its port the client reconnects', async () => {
    await client.send(buildMdmT02(note('call-before-restart')));
    await peer.stop();
    await vi.waitFor(() => expect(client.connected).toBe(false));

    const down = await failureOf(client.send(buildMdmT02(note('call-while-down'))));
    expect(down).toMatchObject({ hl7Failure: 'HL7_PEER_UNAVAILABLE', code: 'HL7_PEER_UNAVAILABLE', retry: 'transient' });
    expect(down.detail).toMatchObject({ reason: 'ECONNREFUSED' });

    await peer.start();
    await expect(client.send(buildMdmT02(note('call-while-down')))).resolves.toMatchObject({ ackCode: 'AA' });
    expect(peer.documents().map((d) => d.documentId)).toEqual(['call-before-restart', 'call-while-down']);
  });

  it('counts deliveries per business identifier; the control id is the same on every resend', async () => {
    for (let i = 0; i < 3; i += 1) await client.send(buildMdmT02(note('call-dup')));
    await client.send(buildMdmT02(note('call-other')));
    expect(peer.deliveriesOf('call-dup')).toBe(3);
    expect(peer.deliveriesOf('call-other')).toBe(1);
    expect(peer.documents()).toHaveLength(2);
    expect(new Set(peer.documents()[0]!.controlIds).size).toBe(1);
  });

  it('enhanced mode: CA then AA is delivered, with the commit noted', async () => {
    await client.close();
    await peer.stop();
    peer = new MllpPeer({ enhancedMode: true });
    client = clientFor(await peer.start());
    await expect(client.send(buildMdmT02(note('call-enhanced')))).resolves.toMatchObject({ ackCode: 'AA', commitAccepted: true });
  });

  it('a worker that resends ambiguous and transient failures files every note exactly once under random faults', async () => {
    await client.close();
    await peer.stop();
    let seed = 42;
    const random = (): number => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    peer = new MllpPeer({ faultRates: { drop: 0.2, delay: 0.2 }, delayMs: 300, random });
    client = clientFor(await peer.start(), 100);

    const ids = Array.from({ length: 20 }, (_, i) => `call-fault-${i}`);
    let retries = 0;
    for (const id of ids) {
      const message = buildMdmT02(note(id));
      for (let attempt = 1; ; attempt += 1) {
        try {
          await client.send(message);
          break;
        } catch (error) {
          if (!(error instanceof Hl7DeliveryError) || error.retry === 'permanent' || attempt >= 10) throw error;
          retries += 1;
        }
      }
    }
    expect(retries).toBeGreaterThan(0);
    expect(peer.documents().map((d) => d.documentId).sort()).toEqual([...ids].sort());
    expect(peer.stats.dropped + peer.stats.delayed).toBe(retries);
  });
});
