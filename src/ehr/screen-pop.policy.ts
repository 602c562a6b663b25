import type { StaffRole } from '../auth/staff-token.ts';
import type { ScreenPop, ScreenPopPatient } from './screen-pop.mapper.ts';

/**
 * Minimum necessary on the live card (ID-4, SE-2): what each role sees of a screen pop.
 * Front desk identifies and routes (name, age, care team, visit date); nurses and clinicians see
 * the clinical summary, allergies first; analysts see no live cards at all. A restricted record
 * shows that it is restricted and nothing else, to everyone.
 */
export function viewScreenPop(pop: ScreenPop, role: StaffRole): ScreenPop | null {
  if (role === 'analyst') return null;
  if (pop.restricted) {
    return {
      ...pop,
      patient: null,
      candidates: [],
      moreCandidates: 0,
      restricted: true,
    };
  }
  const clinical = role === 'nurse' || role === 'clinician';
  const patient = pop.patient ? (clinical ? pop.patient : frontDeskView(pop.patient)) : null;
  return { ...pop, patient };
}

function frontDeskView(patient: ScreenPopPatient): ScreenPopPatient {
  return {
    ...patient,
    allergies: [],
    noKnownAllergies: false,
    primaryProblem: null,
    problems: [],
    activeMedications: [],
    pendingOrders: [],
    lastVisit: patient.lastVisit ? { date: patient.lastVisit.date, reason: null } : null,
    openTasks: patient.openTasks.length ? [`${patient.openTasks.length} open task(s)`] : [],
    fieldsWithheld: true,
  };
}

/**
 * Who sees what a call was about (the redacted summary, red flags) on the live display: the
 * people who act on it clinically or supervise. Front desk sees the request type and urgency on
 * the call list; analysts see neither.
 */
export function mayViewCallContent(role: StaffRole): boolean {
  return role === 'nurse' || role === 'clinician' || role === 'supervisor';
}
