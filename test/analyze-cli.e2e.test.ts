import { describe, expect, it } from 'vitest';
import { runAnalyze } from './helpers/analyze-cli.ts';

const analyze = (input: string, args: string[] = []) => runAnalyze(input, args);

// Synthetic call transcripts only.
const refill = 'hi this is maria lopez my date of birth is march third nineteen fifty two i need a refill of my lisinopril please call me back at five five five two one two three three four four';
const chestPain = 'I have crushing chest pain right now and my left arm is numb';
const negated = 'no chest pain no trouble breathing I just need my flu shot appointment moved';

describe('callchart analyze (JSONL in, JSONL out)', () => {
  it('answers one line per input line, in order, and a bad line with its id and an error while the rest goes on', async () => {
    const input = [
      JSON.stringify({ id: 'c1', text: refill, patient: { name: 'Maria Lopez', birthDate: '1952-03-03', phones: ['+15552123344'], mrn: 'MRN0042137' } }),
      '{not json',
      JSON.stringify({ id: 'c3', text: 42 }),
      JSON.stringify({ id: 7, text: chestPain }),
      JSON.stringify({ id: 'c5', text: negated }),
    ].join('\n');
    const { code, lines, stderr } = await analyze(`${input}\n`);
    expect(code).toBe(0);
    expect(lines.map((line) => line.id)).toEqual(['c1', null, 'c3', 7, 'c5']);
    expect(lines[1]!.error).toMatch(/line 2: not valid JSON/);
    expect(lines[2]!.error).toMatch(/line 3: text/);
    expect(stderr).toContain('2 of 5 lines');

    const [first] = lines;
    expect((first!.requestTypes as { type: string }[]).map((score) => score.type)).toContain('prescription_refill');
    const redacted = first!.redacted as string;
    for (const phi of ['maria', 'lopez', 'five five five two one two', 'march third nineteen fifty two']) expect(redacted).not.toContain(phi);
    expect(redacted).toContain('lisinopril');
    const spans = first!.phi as { start: number; end: number; type: string }[];
    expect(spans.map((span) => span.type)).toEqual(expect.arrayContaining(['NAME', 'DATE', 'PHONE']));
    expect(refill.slice(spans.find((span) => span.type === 'PHONE')!.start, spans.find((span) => span.type === 'PHONE')!.end)).toContain('five five five');
    expect((first!.summary as { reviewed: boolean }).reviewed).toBe(false);

    const pain = lines[3]!;
    expect(pain.urgent).toBe(true);
    const flags = pain.redFlags as { code: string; start: number; end: number }[];
    expect(flags.map((flag) => flag.code)).toContain('chest_pain');
    expect(chestPain.slice(flags[0]!.start, flags[0]!.end)).toMatch(/chest/);
    expect((pain.requestTypes as { type: string }[]).map((score) => score.type)).toContain('urgent_emergency');

    expect(lines[4]!.redFlags).toEqual([]);
    expect(lines[4]!.urgent).toBe(false);
  });

  it('takes null for patient fields the EHR does not have (and a null patient) instead of rejecting the line', async () => {
    const input = [
      JSON.stringify({ id: 'n1', text: refill, patient: { name: 'Maria Lopez', birthDate: '1952-03-03', phones: null, mrn: null } }),
      JSON.stringify({ id: 'n2', text: refill, patient: { name: null, birthDate: null, phones: ['+15552123344'], mrn: null } }),
      JSON.stringify({ id: 'n3', text: refill, patient: null }),
      JSON.stringify({ id: 'n4', text: refill, patient: { birthDate: '03/03/1952' } }),
    ].join('\n');
    const { code, lines, stderr } = await analyze(`${input}\n`);
    expect(code).toBe(0);
    expect(lines.map((line) => line.id)).toEqual(['n1', 'n2', 'n3', 'n4']);
    for (const line of lines.slice(0, 3)) {
      expect(line.error).toBeUndefined();
      expect(line.redacted as string).not.toContain('maria');
    }
    // The patient's own phone (the only field the EHR had) is still matched in spoken form.
    expect((lines[1]!.phi as { type: string }[]).some((span) => span.type === 'PHONE')).toBe(true);
    expect(lines[3]!.error).toMatch(/line 4: patient\.birthDate: YYYY-MM-DD/);
    expect(stderr).toContain('1 of 4 lines');
  });

  it('gives UTF-16 offsets that slice the input exactly, even after emoji', async () => {
    const text = '😀😀 please call me back at 617 555 0123';
    const { lines } = await analyze(`${JSON.stringify({ id: 'u', text })}\n`);
    const phone = (lines[0]!.phi as { start: number; end: number; type: string }[]).find((span) => span.type === 'PHONE')!;
    expect(text.slice(phone.start, phone.end)).toBe('617 555 0123');
  });
});
