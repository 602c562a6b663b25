import type { BarrierCode } from '../nlp/understand/barriers.ts';
import type { OutreachKind, OutreachScripts } from './outreach-settings.ts';

/**
 * The suggested script for one entry (FU-2): the list's lines, then one line per barrier heard in
 * the patient's earlier calls, in the order the codes come. Templates only (no AI, no patient
 * data); `{clinic}` becomes the clinic's name. The staff app may put the patient's first name in
 * on screen; it is never stored or sent with the script.
 */
export function suggestedScript(kind: OutreachKind, barriers: readonly BarrierCode[], scripts: OutreachScripts, clinicName: string): string[] {
  const fill = (line: string) => line.replaceAll('{clinic}', clinicName);
  return [...scripts.lists[kind].map(fill), ...barriers.map((code) => fill(scripts.barriers[code]))];
}
