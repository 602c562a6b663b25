import type { Patient } from '@medplum/fhirtypes';
import type { CallSubject } from '../nlp/analysis.types.ts';
import { nameWords } from '../nlp/understand/call-subject.ts';
import type { PatientMismatchAttribute } from '../ehr/patient-match.ts';
import { mismatchReasons } from '../consent/call-policy.ts';
import type { SensitiveCategory } from '../consent/queue-policy.schema.ts';

/**
 * Does what the caller said fit the chart the call is filed on (issue 12, defect 5)? A six-week-old's
 * fever call filed on a patient born in 1951 must not reach the chart unseen. Pure: the subject
 * comes from the sealed analysis (nlp/understand/call-subject.ts), the chart from the EHR.
 *
 * A call about someone else is compared with that person, not the caller: a parent calling about
 * their child, linked to the child's chart, fits; linked to the parent's own chart, it does not.
 * Only what was plainly said is compared; a chart without the field is never a mismatch.
 */
export interface ChartFacts {
  birthDate: string | null;
  gender: string | null;
  /** Every word of every name on the chart, lowercase, accents folded. */
  nameWords: string[];
}

export function chartFactsOf(patient: Patient): ChartFacts {
  const words = (patient.name ?? []).flatMap((name) => [...(name.given ?? []), name.family ?? '', name.text ?? '']).flatMap((part) => nameWords(part));
  return { birthDate: patient.birthDate ?? null, gender: patient.gender ?? null, nameWords: [...new Set(words)] };
}

const dayMs = 86_400_000;

/** The attributes the chart contradicts, in a fixed order (codes only). */
export function compareWithChart(subject: CallSubject, chart: ChartFacts, at: Date): PatientMismatchAttribute[] {
  const found: PatientMismatchAttribute[] = [];
  if (subject.who === 'unknown') return found;
  if (subject.age && chart.birthDate && ageOutsideStated(subject.age, chart.birthDate, at)) found.push('age');
  if (subject.sex && (chart.gender === 'male' || chart.gender === 'female') && chart.gender !== subject.sex) found.push('sex');
  if (subject.names.length > 0 && chart.nameWords.length > 0 && !subject.names.some((spoken) => spoken.some((word) => chart.nameWords.some((known) => sameName(word, known))))) {
    found.push('name');
  }
  return found;
}

/**
 * Ages are said loosely ("he's 7" a week before his birthday, "six weeks" at seven): the stated
 * range is widened by 15% or two weeks, whichever is more, before a chart counts as not fitting.
 */
function ageOutsideStated(stated: { minDays: number; maxDays: number }, birthDate: string, at: Date): boolean {
  const born = Date.parse(`${birthDate.length === 4 ? `${birthDate}-07-01` : birthDate.length === 7 ? `${birthDate}-15` : birthDate}T00:00:00Z`);
  if (Number.isNaN(born)) return false;
  const days = Math.floor((at.getTime() - born) / dayMs);
  if (days < 0) return false;
  const low = stated.minDays - Math.max(14, stated.minDays * 0.15);
  const high = stated.maxDays + Math.max(14, stated.maxDays * 0.15);
  return days < low || days > high;
}

/**
 * Said and charted name words agree: the same, one the start of the other ("sam" / "samuel"), or
 * one letter apart in a longer name (ASR: "lopes" / "lopez").
 */
function sameName(said: string, charted: string): boolean {
  if (said === charted) return true;
  if (Math.min(said.length, charted.length) >= 3 && (said.startsWith(charted) || charted.startsWith(said))) return true;
  return Math.min(said.length, charted.length) >= 4 && withinOneEdit(said, charted);
}

function withinOneEdit(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  let j = 0;
  let edits = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      i++;
      j++;
      continue;
    }
    if (++edits > 1) return false;
    if (a.length > b.length) i++;
    else if (b.length > a.length) j++;
    else {
      i++;
      j++;
    }
  }
  return edits + (a.length - i) + (b.length - j) <= 1;
}

/**
 * A review item's reasons once a person linked the call to a chart: identity is verified now, the
 * mismatch is the new chart's, and what the new chart is sensitive for (a minor) is added.
 */
export function reasonsAfterLink(previous: readonly string[], linked: { mismatch: readonly PatientMismatchAttribute[]; sensitive: readonly SensitiveCategory[] }): string[] {
  const kept = previous.filter((reason) => reason !== 'identity-unverified' && !reason.startsWith('patient-mismatch:'));
  return [...new Set([...kept, ...linked.sensitive.map((category) => `sensitive:${category}`), ...mismatchReasons(linked.mismatch)])];
}
