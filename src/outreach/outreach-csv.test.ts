import { describe, expect, it } from 'vitest';
import { OutreachCsvUnreadable, parseOutreachCsv } from './outreach-csv.ts';
import { candidateOf, listSearch, listWindow } from './ehr-lists.ts';
import { suggestedScript } from './outreach-script.ts';
import { defaultOutreachScripts } from './outreach-settings.ts';

const today = '2026-11-01';

describe('parseOutreachCsv', () => {
  it('keeps the good rows and reports each bad row by number with its reason, never its value', () => {
    const csv = [
      'Kind,Patient ID,MRN,Date,Reason Code',
      'post-discharge,pat-0001,,2026-10-30,I50.9',
      'no-show,,MRN000002,2026-10-28,',
      'discharge,pat-0003,,2026-10-30,', // unknown kind
      'no-show,pat-0004,,30/10/2026,', // bad date
      'no-show,,,2026-10-30,', // no patient
      'no-show,pat-0005,MRN5,2026-10-30,', // both
      'post-discharge,pat-0001,,2026-10-30,', // duplicate of row 2
      'no-show,pat-0006,,2026-12-30,', // future
      'no-show,pat-0007,,2026-02-30,', // no such day
      'no-show,pat-0008,,2026-10-29,chest pain since Tuesday', // words, not a code
    ].join('\n');
    const parsed = parseOutreachCsv(csv, { maxRows: 100, today });
    expect(parsed.total).toBe(10);
    expect(parsed.rows).toEqual([
      { row: 2, kind: 'post-discharge', patient: { id: 'pat-0001' }, date: '2026-10-30', reasonCode: 'I50.9' },
      { row: 3, kind: 'no-show', patient: { mrn: 'MRN000002' }, date: '2026-10-28', reasonCode: null },
    ]);
    expect(parsed.problems.map(({ row, code }) => [row, code])).toEqual([
      [4, 'UNKNOWN_KIND'], [5, 'BAD_DATE'], [6, 'NO_PATIENT'], [7, 'NO_PATIENT'], [8, 'DUPLICATE_ROW'], [9, 'DATE_IN_FUTURE'], [10, 'BAD_DATE'], [11, 'BAD_VALUE'],
    ]);
    expect(parsed.problems.find((problem) => problem.row === 8)?.reason).toBe('duplicate of row 2 (same kind, patient and date)');
    expect(parsed.problems.find((problem) => problem.row === 4)?.reason).toMatch(/unknown kind: use post-discharge or no-show/);
    expect(JSON.stringify(parsed.problems)).not.toMatch(/chest pain|pat-0003|30\/10/);
  });

  it('refuses a file that is not a list: no header, unknown columns, broken quoting', () => {
    expect(() => parseOutreachCsv('pat-1,2026-10-30\n', { maxRows: 10, today })).toThrow(OutreachCsvUnreadable);
    expect(() => parseOutreachCsv('kind,patient_id,date,name\nno-show,p1,2026-10-30,Jane\n', { maxRows: 10, today })).toThrow(/unknown column\(s\): name/);
    expect(() => parseOutreachCsv('kind,patient_id,date\n"no-show,p1,2026-10-30\n', { maxRows: 10, today })).toThrow(OutreachCsvUnreadable);
  });

  it('reads at most maxRows rows and says where it stopped', () => {
    const csv = ['kind,patient_id,date', ...Array.from({ length: 5 }, (_, i) => `no-show,p${i},2026-10-30`)].join('\n');
    const parsed = parseOutreachCsv(csv, { maxRows: 3, today });
    expect(parsed.rows).toHaveLength(3);
    expect(parsed.problems).toEqual([{ row: 5, code: 'TOO_MANY_ROWS', reason: 'at most 3 rows per upload: this row and the rest were not read' }]);
  });
});

describe('EHR lists', () => {
  const now = new Date('2026-11-01T00:00:00Z');
  const window = listWindow('post-discharge', now, { dischargeLookbackHours: 48, noShowLookbackDays: 7 });

  it('searches finished hospital and emergency encounters, and no-show appointments, in pages, oldest first', () => {
    expect(listSearch('post-discharge', window, 25)).toEqual({
      resourceType: 'Encounter', params: { status: 'finished', class: 'IMP,EMER,OBSENC,SS,ACUTE', date: 'ge2026-10-30T00:00:00.000Z', _sort: 'date', _count: '25' },
    });
    expect(listSearch('no-show', listWindow('no-show', now, { dischargeLookbackHours: 48, noShowLookbackDays: 7 }), 25).params).toMatchObject({
      status: 'noshow', date: ['ge2026-10-25T00:00:00.000Z', 'le2026-11-01T00:00:00.000Z'],
    });
  });

  it('keeps a discharge only when the stay ended in the window, and never free text as a reason', () => {
    const encounter = (end: string, code = 'IMP') => ({
      resourceType: 'Encounter' as const, id: 'e1', status: 'finished' as const, class: { code }, subject: { reference: 'Patient/p1' },
      period: { start: '2026-10-20T00:00:00Z', end }, reasonCode: [{ coding: [{ code: 'fell at home' }] }],
    });
    expect(candidateOf('post-discharge', encounter('2026-10-31T10:00:00Z'), window)).toEqual({
      kind: 'post-discharge', sourceRef: 'Encounter/e1', patientId: 'p1', eventAt: new Date('2026-10-31T10:00:00Z'), reasonCode: 'IMP',
    });
    expect(candidateOf('post-discharge', encounter('2026-10-29T10:00:00Z'), window)).toBeNull();
    expect(candidateOf('post-discharge', encounter('2026-10-31T10:00:00Z', 'AMB'), window)).toBeNull();
  });
});

describe('suggestedScript', () => {
  it('is the list\'s lines then one line per barrier, with the clinic\'s name and nothing about the patient', () => {
    const script = suggestedScript('no-show', ['transport', 'language'], defaultOutreachScripts, 'Harbor Family Medicine');
    expect(script[0]).toMatch(/^Hello, this is Harbor Family Medicine calling/);
    expect(script).toHaveLength(defaultOutreachScripts.lists['no-show'].length + 2);
    expect(script.at(-2)).toMatch(/transport help/);
    expect(script.at(-1)).toMatch(/interpreter/);
    expect(suggestedScript('post-discharge', [], defaultOutreachScripts, 'X').join(' ')).toMatch(/medicines.*follow-up.*warning signs/);
  });
});
