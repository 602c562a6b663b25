import { Hl7Message } from '@medplum/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CallchartError } from '../lib/errors.ts';
import { escapeHl7Text, formatHl7Timestamp, unescapeHl7Text } from './hl7-encoding.ts';
import { readHl7Message, readWrittenDocument } from './hl7-message.reader.ts';
import { buildMdmT02, buildOruR01, buildWriteBackMessages, type CallNoteMessageInput, messageControlIdFor, noteLines } from './mdm-message.mapper.ts';

// Synthetic fixture: every name, id and sentence below is made up for this test.
function approvedNote(overrides: Partial<CallNoteMessageInput['note']> = {}): CallNoteMessageInput {
  return {
    sendingApp: 'CALLCHART',
    sendingFacility: 'SYNTH-CLINIC',
    receivingApp: 'SYNTH-EHR',
    receivingFacility: 'SYNTH-HOSP',
    at: new Date('2026-03-03T14:05:06.007Z'),
    patient: { id: 'pat-001', mrn: 'MRN-0042', familyName: 'Synthetic', givenName: 'Ada', birthDate: '1952-03-03' },
    note: {
      documentId: 'twilio/CA0000000000000000000000000000001',
      title: 'Refill request',
      text: 'Caller asks for a refill.\nNurse will call back today.',
      authoredBy: 'staff-7',
      approvedBy: 'rn-2',
      approvedAt: new Date('2026-03-03T14:10:00Z'),
      status: 'approved',
      ...overrides,
    },
  };
}

const parse = (message: Hl7Message): Hl7Message => Hl7Message.parse(message.toString());

describe('buildMdmT02', () => {
  it('builds MSH, EVN, PID, PV1, TXA and one OBX per line', () => {
    const message = parse(buildMdmT02(approvedNote()));
    expect(message.segments.map((s) => s.name)).toEqual(['MSH', 'EVN', 'PID', 'PV1', 'TXA', 'OBX', 'OBX']);
    const msh = message.getSegment('MSH')!;
    expect(msh.getField(3).toString()).toBe('CALLCHART');
    expect(msh.getField(5).toString()).toBe('SYNTH-EHR');
    expect(msh.getField(7).toString()).toBe('20260303140506+0000');
    expect(msh.getField(9).toString()).toBe('MDM^T02^MDM_T02');
    expect(msh.getField(10).toString()).toBe(messageControlIdFor(approvedNote().note.documentId, 'MDM^T02'));
    expect(msh.getField(11).toString()).toBe('P');
    expect(msh.getField(12).toString()).toBe('2.5.1');
    expect(message.getSegment('EVN')!.getField(1).toString()).toBe('T02');
  });

  it('identifies the patient by MRN and EHR id, with name and birth date', () => {
    const pid = parse(buildMdmT02(approvedNote())).getSegment('PID')!;
    expect(pid.getComponent(3, 1, undefined, 0)).toBe('MRN-0042');
    expect(pid.getComponent(3, 5, undefined, 0)).toBe('MR');
    expect(pid.getComponent(3, 1, undefined, 1)).toBe('pat-001');
    expect(pid.getComponent(3, 5, undefined, 1)).toBe('PI');
    expect(pid.getField(5).toString()).toBe('Synthetic^Ada');
    expect(pid.getField(7).toString()).toBe('19520303');
  });

  it('carries the business identifier in TXA-12 and marks the note authenticated', () => {
    const txa = parse(buildMdmT02(approvedNote())).getSegment('TXA')!;
    expect(txa.getField(12).toString()).toBe('twilio/CA0000000000000000000000000000001^CALLCHART');
    expect(txa.getField(2).toString()).toBe('PR');
    expect(txa.getField(3).toString()).toBe('TX');
    expect(txa.getField(9).toString()).toBe('staff-7');
    expect(txa.getField(17).toString()).toBe('AU');
    expect(txa.getField(19).toString()).toBe('AV');
    expect(txa.getComponent(22, 1)).toBe('rn-2');
    expect(txa.getComponent(22, 15)).toBe('20260303141000+0000');
  });

  it('writes the note text as TX observations coded LOINC 34748-4', () => {
    const obx = parse(buildMdmT02(approvedNote())).getAllSegments('OBX');
    expect(obx.map((s) => s.getField(1).toString())).toEqual(['1', '2']);
    expect(obx.map((s) => s.getField(5).toString())).toEqual(['Caller asks for a refill.', 'Nurse will call back today.']);
    expect(obx[0]!.getField(2).toString()).toBe('TX');
    expect(obx[0]!.getComponent(3, 1)).toBe('34748-4');
    expect(obx[0]!.getComponent(3, 3)).toBe('LN');
    expect(obx[0]!.getComponent(3, 5)).toBe('Refill request');
    expect(obx[0]!.getField(11).toString()).toBe('F');
  });

  it('escapes delimiters, the escape character and control characters', () => {
    const text = 'Dose 5|10 mg ^ twice ~ daily \\ see & note\u000b\u001cend';
    const serialized = buildMdmT02(approvedNote({ text, title: 'A|B' })).toString();
    // VT and FS inside a value would end the MLLP frame early.
    for (const control of ['\u000b', '\u001c', '\n']) expect(serialized).not.toContain(control);
    const obx = serialized.split('\r').find((line) => line.startsWith('OBX|1|'))!;
    expect(obx).toContain('Dose 5\\F\\10 mg \\S\\ twice \\R\\ daily \\E\\ see \\T\\ note\\X0B\\\\X1C\\end');
    expect(obx.split('|')).toHaveLength(15); // no stray field separator from the text
    const read = readWrittenDocument(Hl7Message.parse(serialized));
    expect(read.ok && read.document.text).toBe(text);
  });

  it('keeps blank lines inside the note and drops trailing ones', () => {
    const text = 'First\r\n\r\nThird\rFourth\n\n\n';
    expect(noteLines(text)).toEqual(['First', '', 'Third', 'Fourth']);
    const read = readWrittenDocument(parse(buildMdmT02(approvedNote({ text }))));
    expect(read.ok && read.document.text).toBe('First\n\nThird\nFourth');
  });

  it('is deterministic: a resend of the same note is byte-identical, a later one keeps MSH-10', () => {
    const first = buildMdmT02(approvedNote()).toString();
    expect(buildMdmT02(approvedNote()).toString()).toBe(first);
    const later = buildMdmT02({ ...approvedNote(), at: new Date('2026-03-04T00:00:00Z') });
    expect(later.getSegment('MSH')!.getField(10).toString()).toBe(Hl7Message.parse(first).getSegment('MSH')!.getField(10).toString());
    const revised = buildMdmT02({ ...approvedNote(), revision: 2 });
    expect(revised.getSegment('MSH')!.getField(10).toString()).not.toBe(Hl7Message.parse(first).getSegment('MSH')!.getField(10).toString());
  });

  it('gives each document and message type its own control id within the 20-character limit', () => {
    const ids = new Set(['doc-a', 'doc-b'].flatMap((doc) => [messageControlIdFor(doc, 'MDM^T02'), messageControlIdFor(doc, 'ORU^R01')]));
    expect(ids.size).toBe(4);
    for (const id of ids) expect(id).toMatch(/^CC[0-9A-F]{18}$/);
  });

  it('refuses incomplete or unapproved notes, naming fields but never their values', () => {
    const canary = 'CANARY-PHI-Zebulon-555-0199';
    const input = approvedNote({ documentId: '', authoredBy: '' });
    input.patient = { ...input.patient, id: '', familyName: canary };
    let thrown: unknown;
    try {
      buildMdmT02({ ...input, note: { ...input.note, status: 'draft' as 'approved', text: canary } });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(CallchartError);
    const error = thrown as CallchartError;
    expect(error.code).toBe('PAYLOAD_INVALID');
    expect(error.retry).toBe('permanent');
    expect(error.detail).toEqual({ fields: ['note.status', 'note.documentId', 'patient.id', 'note.authoredBy'] });
    expect(JSON.stringify({ message: error.message, detail: error.detail })).not.toContain('CANARY');
  });

  it('round-trips any note text through serialize, parse and unescape', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        const serialized = buildMdmT02(approvedNote({ text })).toString();
        const read = readHl7Message(serialized);
        if (!read.ok) return false;
        const document = readWrittenDocument(read.message);
        return document.ok && document.document.text === noteLines(text).join('\n');
      }),
      { numRuns: 300 },
    );
  });
});

describe('buildOruR01', () => {
  it('puts the business identifier in OBR-3 and the text in final TX observations', () => {
    const message = parse(buildOruR01(approvedNote()));
    expect(message.segments.map((s) => s.name)).toEqual(['MSH', 'PID', 'PV1', 'OBR', 'OBX', 'OBX']);
    expect(message.getSegment('MSH')!.getField(9).toString()).toBe('ORU^R01^ORU_R01');
    const obr = message.getSegment('OBR')!;
    expect(obr.getField(3).toString()).toBe('twilio/CA0000000000000000000000000000001^CALLCHART');
    expect(obr.getComponent(4, 1)).toBe('34748-4');
    expect(obr.getField(25).toString()).toBe('F');
    const read = readWrittenDocument(message);
    expect(read.ok && read.document).toMatchObject({ messageType: 'ORU^R01', documentId: 'twilio/CA0000000000000000000000000000001' });
  });

  it('is sent only where configured, after the MDM', () => {
    expect(buildWriteBackMessages(approvedNote()).map((m) => m.messageType)).toEqual(['MDM^T02']);
    const both = buildWriteBackMessages(approvedNote(), ['ORU^R01', 'MDM^T02']);
    expect(both.map((m) => m.messageType)).toEqual(['MDM^T02', 'ORU^R01']);
    expect(both[1]!.message.getSegment('MSH')!.getField(10).toString()).toBe(both[1]!.messageControlId);
  });
});

describe('HL7 encoding', () => {
  it('unescapes what other senders write: \\.br\\, multi-byte hex, unknown formatting escapes', () => {
    expect(unescapeHl7Text('a\\.br\\b')).toBe('a\nb');
    expect(unescapeHl7Text('caf\\XC3A9\\')).toBe('café');
    expect(unescapeHl7Text('\\H\\bold\\N\\')).toBe('bold');
  });

  it('escape then unescape is the identity', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (value) => unescapeHl7Text(escapeHl7Text(value)) === value));
  });

  it('formats timestamps in UTC with an explicit offset', () => {
    expect(formatHl7Timestamp(new Date('2026-12-31T23:59:59.999Z'))).toBe('20261231235959+0000');
  });
});
