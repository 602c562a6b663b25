import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedDataDir } from '../../test/helpers/shared-data.ts';
import { readHl7Message, readWrittenDocument, splitMllpFrames } from './hl7-message.reader.ts';

/** Public HL7 v2 samples (shared/data, read in place, never copied): our receiving side must accept them. */
function samples(folder: string): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const file = path.join(dir, name);
      return statSync(file).isDirectory() ? walk(file) : file.endsWith('.hl7') ? [file] : [];
    });
  return walk(path.join(sharedDataDir(), folder)).sort();
}

const relative = (file: string): string => path.relative(sharedDataDir(), file);

describe('readHl7Message on public samples', () => {
  it('accepts all 139 Microsoft FHIR-Converter messages (BOM, LF line ends, v2.3 to v2.8)', () => {
    const files = samples('hl7v2-microsoft-fhir-converter');
    expect(files).toHaveLength(139);
    const refused = files.filter((file) => !readHl7Message(readFileSync(file, 'utf8')).ok).map(relative);
    expect(refused).toEqual([]);
  });

  it('accepts the CDC Trusted Intermediary lab messages and refuses exactly the malformed ones, with a reason', () => {
    const outcomes = Object.fromEntries(
      samples('hl7v2-cdc-trusted-intermediary').map((file) => {
        const read = readHl7Message(readFileSync(file, 'utf8'));
        return [relative(file), read.ok ? 'ok' : read.problem];
      }),
    );
    const refused = Object.fromEntries(Object.entries(outcomes).filter(([, outcome]) => outcome !== 'ok'));
    expect(refused).toEqual({
      'hl7v2-cdc-trusted-intermediary/Test/Message/empty.hl7': 'EMPTY',
      'hl7v2-cdc-trusted-intermediary/Test/Message/msh_present_but_missing_all_fields.hl7': 'BAD_ENCODING_CHARACTERS',
      'hl7v2-cdc-trusted-intermediary/Test/Message/msh_present_but_missing_msh-10.hl7': 'MISSING_CONTROL_ID',
      'hl7v2-cdc-trusted-intermediary/Test/Message/msh_present_but_missing_msh-2.hl7': 'BAD_ENCODING_CHARACTERS',
      'hl7v2-cdc-trusted-intermediary/Test/Message/msh_present_but_missing_msh-9.hl7': 'MISSING_MESSAGE_TYPE',
      // A FHS/BHS batch file, not one message: MLLP never carries these.
      'hl7v2-cdc-trusted-intermediary/Test/Results/005_AL_ORU_R01_NBS_Simplified_0_initial_message.hl7': 'BATCH_NOT_SUPPORTED',
    });
    expect(Object.values(outcomes).filter((outcome) => outcome === 'ok').length).toBeGreaterThan(120);
  });

  it('finds the unique document number and text of the public MDM^T02 samples', () => {
    const documents = ['MDM-T02-01.hl7', 'MDM-T02-02.hl7', 'MDM-T02-03.hl7'].map((name) => {
      const read = readHl7Message(readFileSync(path.join(sharedDataDir(), 'hl7v2-microsoft-fhir-converter', name), 'utf8'));
      if (!read.ok) throw new Error(`${name}: ${read.problem}`);
      const document = readWrittenDocument(read.message);
      if (!document.ok) throw new Error(`${name}: ${document.problem}`);
      return document.document;
    });
    expect(documents.map((d) => d.documentId)).toEqual([
      '1.2.840.317.5947431.51.20080131160038',
      '1.2.840.317.5947431.51.20080131160038',
      '2RWRVAJ627408',
    ]);
    expect(documents[2]!.text.split('\n').length).toBeGreaterThan(20);
  });

  it('reads every public ORU^R01 without throwing, as a document or a named problem', () => {
    const oru = [...samples('hl7v2-microsoft-fhir-converter'), ...samples('hl7v2-cdc-trusted-intermediary')]
      .map((file) => readHl7Message(readFileSync(file, 'utf8')))
      .flatMap((read) => (read.ok && read.header.messageCode === 'ORU' && read.header.triggerEvent === 'R01' ? [read.message] : []));
    expect(oru.length).toBeGreaterThan(20);
    for (const message of oru) {
      const document = readWrittenDocument(message);
      expect(document.ok || document.problem === 'MISSING_DOCUMENT_NUMBER').toBe(true);
    }
  });
});

describe('readHl7Message on framing variants', () => {
  it('strips MLLP framing and a BOM, and accepts CRLF', () => {
    const read = readHl7Message('\uFEFF\u000bMSH|^~\\&|A|B|C|D|20260101||ADT^A01|X1|P|2.5.1\r\nPID|1\r\n\u001c\r');
    expect(read.ok && read.message.segments.map((s) => s.name)).toEqual(['MSH', 'PID']);
  });
});

describe('splitMllpFrames', () => {
  it('separates a CA and an AA that arrived in one socket read', () => {
    const glued = 'MSH|^~\\&|E|H|C|F|20260101||ACK|1|P|2.5.1\rMSA|CA|CC1\u001c\r\u000bMSH|^~\\&|E|H|C|F|20260101||ACK|2|P|2.5.1\rMSA|AA|CC1';
    const frames = splitMllpFrames(glued).map((frame) => readHl7Message(frame));
    expect(frames.map((read) => read.ok && read.message.getSegment('MSA')!.getField(1).toString())).toEqual(['CA', 'AA']);
  });
});
