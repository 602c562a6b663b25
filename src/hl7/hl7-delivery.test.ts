import { Hl7Message } from '@medplum/core';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../lib/errors.ts';
import { AckDisposition, classifyAck, Hl7DeliveryError, Hl7Failure, readAck } from './hl7-delivery.ts';

// Synthetic ACKs shaped like what interface engines send; the names in them are canaries.
const ack = (...segments: string[]): Hl7Message =>
  Hl7Message.parse(['MSH|^~\\&|SYNTH-EHR|SYNTH-HOSP|CALLCHART|SYNTH-CLINIC|20260303140507||ACK^T02^ACK|A1|P|2.5.1', ...segments].join('\r'));

describe('classifyAck', () => {
  it.each([
    ['AA', { outcome: 'delivered' }],
    ['CA', { outcome: 'committed' }],
    ['AE', { outcome: 'failed', failure: 'HL7_APPLICATION_ERROR' }],
    ['AR', { outcome: 'failed', failure: 'HL7_APPLICATION_REJECTED' }],
    ['CE', { outcome: 'failed', failure: 'HL7_COMMIT_ERROR' }],
    ['CR', { outcome: 'failed', failure: 'HL7_COMMIT_REJECTED' }],
    ['ZZ', { outcome: 'failed', failure: 'HL7_ACK_UNREADABLE' }],
    ['', { outcome: 'failed', failure: 'HL7_ACK_UNREADABLE' }],
  ])('MSA-1 %s', (code, expected) => {
    expect(classifyAck(ack(`MSA|${code}|CC1`))).toMatchObject(expected);
  });

  it('maps each failure to retry classes a worker acts on: AE/AR/CR permanent, CE transient, no ACK ambiguous', () => {
    const retry = Object.fromEntries(Object.entries(Hl7Failure).map(([name, { retry }]) => [name, retry]));
    expect(retry).toEqual({
      HL7_PEER_UNAVAILABLE: 'transient',
      HL7_ACK_TIMEOUT: 'ambiguous',
      HL7_CONNECTION_LOST: 'ambiguous',
      HL7_ACK_UNREADABLE: 'ambiguous',
      HL7_APPLICATION_ERROR: 'permanent',
      HL7_APPLICATION_REJECTED: 'permanent',
      HL7_COMMIT_ERROR: 'transient',
      HL7_COMMIT_REJECTED: 'permanent',
    });
    // The carrying error code must agree, or CallchartError would report a different retry class.
    for (const [name, { errorCode, retry: expected }] of Object.entries(Hl7Failure)) {
      expect(ErrorCodes[errorCode].retry, name).toBe(expected);
      expect(new Hl7DeliveryError(name as Hl7Failure, {}).retry).toBe(expected);
    }
    expect(Object.keys(AckDisposition).sort()).toEqual(['AA', 'AE', 'AR', 'CA', 'CE', 'CR']);
  });
});

describe('readAck', () => {
  it('keeps the v2.5 ERR-3 code and ERR-2 location, never the free text', () => {
    const reading = readAck(
      ack('MSA|AE|CC1|Patient CANARY Zebulon Quux not found', 'ERR||PID^1^3|204^Unknown key identifier^HL70357|E||||CANARY Zebulon Quux DOB 19520303'),
    );
    expect(reading).toEqual({ ackCode: 'AE', errorCode: '204', errorLocation: 'PID-3' });
    expect(JSON.stringify(reading)).not.toContain('CANARY');
  });

  it('reads the v2.3 ERR-1 error location and code, and MSA-6', () => {
    expect(readAck(ack('MSA|AR|CC1', 'ERR|TXA^1^12^101&Required field missing&HL70357'))).toEqual({ ackCode: 'AR', errorCode: '101', errorLocation: 'TXA-12' });
    expect(readAck(ack('MSA|AE|CC1|text|||207^Application internal error'))).toMatchObject({ errorCode: '207' });
  });

  it('drops an error "code" that is really a sentence', () => {
    expect(readAck(ack('MSA|AE|CC1', 'ERR|||Patient CANARY not on file^^L|E')).errorCode).toBeUndefined();
  });
});
