import type { SandboxEhr } from '../../src/sandbox-ehr/sandbox-ehr.server.ts';
import { syntheticEvent, type Harness } from '../helpers/engine-harness.ts';
import { allYes, reviewCalls } from '../helpers/review-calls.ts';

/**
 * Synthetic calls for the dashboard tests, placed through the real pipeline into one queue:
 * `routine` refills, `urgent` chest-pain calls (red flags, each acknowledged by a supervisor
 * through the API), one missed call; `approveAsWritten` of the routine items approved without an
 * edit and one approved after an edit. Returns what was placed, to assert the dashboard's figures.
 */
export async function placeDashboardCalls(harness: Harness, ehr: SandboxEhr, options: { queue: string; routine: number; urgent: number; approveAsWritten: number }) {
  const { api, placeCall } = reviewCalls(() => harness, () => ehr);
  const placed: { callId: string; reviewId: string; urgent: boolean }[] = [];
  for (let index = 0; index < options.routine + options.urgent; index++) {
    const urgent = index >= options.routine;
    const { item } = await placeCall({
      id: `dash-${options.queue}-${index}`, queue: options.queue, dob: true,
      // Patient 4's chart lets the AI draft (some synthetic charts withhold it); urgent calls reuse it.
      patientIndex: urgent ? 4 : index,
      text: urgent ? 'I have crushing chest pain right now and my left arm is numb' : 'hi I need a refill of my lisinopril please',
    });
    placed.push({ callId: item.callId, reviewId: item.id, urgent });
  }
  const acknowledged: string[] = [];
  for (const call of placed.filter((entry) => entry.urgent)) {
    const flags = await api('GET', `/api/calls/${call.callId}/red-flags`, undefined, 'supervisor');
    const code = (flags.body.redFlags as { code: string }[])[0]?.code;
    if (!code) throw new Error(`the urgent call ${call.callId} has no red flag: ${flags.status} ${JSON.stringify(flags.body)}`);
    const ack = await api('POST', `/api/calls/${call.callId}/red-flags/acknowledge`, { code, screen: 'review' }, 'supervisor');
    if (ack.status !== 200) throw new Error(`acknowledging answered ${ack.status}`);
    acknowledged.push(call.callId);
  }
  const routine = placed.filter((entry) => !entry.urgent);
  const approvals: number[] = [];
  for (const call of routine.slice(0, options.approveAsWritten)) {
    approvals.push((await api('POST', `/api/review/${call.reviewId}/approve`, { baseVersion: 1, checklist: allYes })).status);
  }
  const edited = routine[options.approveAsWritten];
  if (edited) {
    approvals.push((await api('PATCH', `/api/review/${edited.reviewId}`, { baseVersion: 1, changes: { nextStep: 'Synthetic: refill sent to the pharmacy' } })).status);
    approvals.push((await api('POST', `/api/review/${edited.reviewId}/approve`, { baseVersion: 2, checklist: allYes })).status);
  }
  // A missed call: it rang and the caller hung up before anyone answered.
  const missedId = `dash-${options.queue}-missed`;
  const missedCall = { ...syntheticEvent({ type: 'call.ringing', callId: missedId }).call, queue: options.queue };
  await harness.post({ ...syntheticEvent({ type: 'call.ringing', callId: missedId }), call: missedCall });
  await harness.post({ ...syntheticEvent({ type: 'call.ended', callId: missedId }), call: missedCall });
  return { placed, acknowledged, approvals, total: placed.length + 1 };
}
