import { describe, expect, it } from 'vitest';
import { failureInWords } from './failure-words.ts';

describe('a chart write failure in words', () => {
  it('says an HL7 application error in words with the ACK code, the table 0357 code and the location beside them', () => {
    expect(failureInWords('HL7_APPLICATION_ERROR', { ackCode: 'AE', errorCode: '101', errorLocation: 'TXA-12' })).toEqual({
      code: 'HL7_APPLICATION_ERROR',
      words: expect.stringMatching(/^The EHR could not file this note/),
      ehrReasons: [
        { code: 'ACK AE', words: 'Application error' },
        { code: 'ERR 101', words: 'Required field missing' },
        { code: 'TXA-12', words: 'Where in the message' },
      ],
    });
  });

  it('says a FHIR refusal by its OperationOutcome issue type, and never shows a bare code alone', () => {
    const failure = failureInWords('EHR_REJECTED', { status: 422, issues: ['error:business-rule', 'warning:made-up'] })!;
    expect(failure.ehrReasons).toEqual([
      { code: 'HTTP 422', words: 'Not processable' },
      { code: 'error:business-rule', words: 'A business rule in the EHR was broken' },
      { code: 'warning:made-up', words: 'The EHR named a problem Callchart has no words for' },
    ]);
    expect(failureInWords('SOMETHING_NEW', null)!.words).toMatch(/did not go through/);
    expect(failureInWords(null, null)).toBeNull();
  });
});
