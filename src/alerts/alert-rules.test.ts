import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../audit/audit-chain.ts';
import { activeAlertRules, alertRules, defaultAlertThresholds, type AlertRule } from './alert-rules.ts';
import { nextDeliveryDelayMs, signedAlertRequest } from './alert-webhook.ts';
import { verifyCtiSignature } from '../pbx/cti-signature.ts';

let seq = 0;
function event(partial: Partial<AuditEvent> & { action: string }): AuditEvent {
  seq += 1;
  return {
    seq, at: '2026-12-07T10:15:00.000Z', actor: 'staff:nurse-1', objectType: 'call', objectId: 'call-1', outcome: 'success', reason: null, consentStatus: null,
    detail: {}, prevHash: '0'.repeat(64), hash: 'f'.repeat(64), keyId: 'k', ...partial,
  };
}

const rule = (id: string): AlertRule => alertRules.find((candidate) => candidate.id === id)!;
/** The rules that would raise an alert for this event with these facts. */
const firing = (subject: AuditEvent, facts = {}) =>
  alertRules.filter((candidate) => candidate.matches(subject, defaultAlertThresholds) && candidate.decide(subject, facts, defaultAlertThresholds)).map((candidate) => candidate.id);

/** Events of an ordinary day: none of them is worth an alert. */
const ordinaryDay: AuditEvent[] = [
  event({ action: 'call.event.accepted', actor: 'pbx:synthetic' }),
  event({ action: 'policy.decided', actor: 'policy:understand', consentStatus: 'transcribe:granted' }),
  event({ action: 'phi.viewed', detail: { purpose: 'screen-pop', patientId: 'p-1' } }),
  event({ action: 'phi.viewed', detail: { purpose: 'review-opened', patientId: 'p-1' } }),
  event({ action: 'phi.viewed', detail: { purpose: 'patient-search', patientId: 'p-2' } }),
  event({ action: 'review.edited', objectType: 'review-item', objectId: 'r-1' }),
  event({ action: 'review.approved', objectType: 'review-item', objectId: 'r-1' }),
  event({ action: 'staff.signed-in', detail: { method: 'sso', role: 'nurse' } }),
  event({ action: 'keys.data-key.created', actor: 'system' }),
  event({ action: 'keys.rewrap.progress', actor: 'system' }),
  event({ action: 'retention.purged', actor: 'system:retention', objectType: 'transcript' }),
  event({ action: 'audit.verified', actor: 'system:alerts', objectType: 'audit-log' }),
  event({ action: 'alert.raised', actor: 'system:alerts', objectType: 'alert' }),
  event({ action: 'engine.started', actor: 'system', objectType: 'engine' }),
];

describe('alert rules', () => {
  it('raise nothing on an ordinary day (the history-aware rules with ordinary counts)', () => {
    for (const subject of ordinaryDay) expect(firing(subject, { distinctPatientsLastHour: 3, baselinePerHour: 4, editsInWindow: 1 }), subject.action).toEqual([]);
  });

  it.each([
    ['consent-check-failed', event({ action: 'transcript.discarded', outcome: 'rejected', reason: 'NO_TRANSCRIBE_CONSENT' })],
    ['consent-check-failed', event({ action: 'policy.decided', outcome: 'failure' })],
    ['consent-check-failed', event({ action: 'ehr.write-back.failed', outcome: 'failure', reason: 'CONSENT_FORBIDS' })],
    ['export', event({ action: 'phi.viewed', detail: { purpose: 'export', patientId: null } })],
    ['raw-content-viewed', event({ action: 'phi.viewed', detail: { purpose: 'raw-content', patientId: 'p-1' } })],
    ['deleted-outside-policy', event({ action: 'retention.deleted-outside-policy', outcome: 'failure' })],
    ['policy-changed', event({ action: 'policy.queue.activated', objectType: 'queue-policy' })],
    ['policy-changed', event({ action: 'policy.queue.refused', outcome: 'rejected', reason: 'POLICY_INVALID' })],
    ['key-changed', event({ action: 'keys.kek.rotated', actor: 'operator:it' })],
    ['key-changed', event({ action: 'keys.data-key.destroyed', outcome: 'failure' })],
    ['privileged-sign-in', event({ action: 'staff.signed-in', detail: { method: 'password+totp', role: 'admin' } })],
    ['privileged-sign-in', event({ action: 'staff.signed-in', detail: { method: 'sso', role: 'auditor' } })],
    ['audit-verification-failed', event({ action: 'audit.verified', outcome: 'failure', detail: { problems: 1, firstProblemSeq: 7 } })],
    ['checkpoint-sink-unreachable', event({ action: 'audit.checkpoint.failed', outcome: 'failure' })],
    ['pbx-subscription-failing', event({ action: 'pbx.subscription.failed', outcome: 'failure', reason: 'RINGCENTRAL_UNAVAILABLE', detail: { provider: 'ringcentral', attempt: 1 } })],
  ])('%s fires on its trigger, and only that rule does', (id, subject) => {
    expect(firing(subject)).toEqual([id]);
  });

  it('access above baseline: the floor for a person with no history, the multiple of their own mean otherwise; once per hour', () => {
    const view = event({ action: 'phi.viewed', detail: { purpose: 'screen-pop', patientId: 'p-9' } });
    const baseline = rule('access-above-baseline');
    const { floor, multiplier } = defaultAlertThresholds.baseline;
    expect(baseline.decide(view, { distinctPatientsLastHour: floor - 1, baselinePerHour: 0 }, defaultAlertThresholds)).toBeNull();
    expect(baseline.decide(view, { distinctPatientsLastHour: floor, baselinePerHour: 0 }, defaultAlertThresholds)).toMatchObject({ detail: { distinctPatients: floor, limit: floor } });
    // A busy front desk (mean 20 an hour) is not flagged at 40; at three times its mean it is.
    expect(baseline.decide(view, { distinctPatientsLastHour: 40, baselinePerHour: 20 }, defaultAlertThresholds)).toBeNull();
    const busy = baseline.decide(view, { distinctPatientsLastHour: 20 * multiplier, baselinePerHour: 20 }, defaultAlertThresholds);
    expect(busy?.detail).toMatchObject({ limit: 60 });
    // The same person later in the same hour: the same key, so one alert.
    const later = event({ action: 'phi.viewed', at: '2026-12-07T10:59:00.000Z', detail: { purpose: 'screen-pop', patientId: 'p-10' } });
    expect(baseline.decide(later, { distinctPatientsLastHour: 99, baselinePerHour: 0 }, defaultAlertThresholds)?.dedupeKey).toBe(busy?.dedupeKey);
    // Views by the system or without a patient never count.
    expect(baseline.matches(event({ action: 'phi.viewed', actor: 'operator:it', detail: { purpose: 'export', patientId: null } }), defaultAlertThresholds)).toBe(false);
  });

  it('repeated review edits: raised at the Nth edit in the window, not before and not again at N+1', () => {
    const edit = event({ action: 'review.edited', objectType: 'review-item', objectId: 'r-1' });
    const edits = rule('repeated-review-edits');
    const { count } = defaultAlertThresholds.reviewEdits;
    expect(edits.decide(edit, { editsInWindow: count - 1 }, defaultAlertThresholds)).toBeNull();
    expect(edits.decide(edit, { editsInWindow: count }, defaultAlertThresholds)).not.toBeNull();
    expect(edits.decide(edit, { editsInWindow: count + 1 }, defaultAlertThresholds)).toBeNull();
  });

  it('a disabled rule is not evaluated', () => {
    expect(activeAlertRules(['privileged-sign-in']).map((candidate) => candidate.id)).not.toContain('privileged-sign-in');
    expect(activeAlertRules()).toHaveLength(alertRules.length);
  });
});

describe('alert webhook', () => {
  it('is signed like the inbound CTI webhook: a receiver verifies it with the shared secret, and a changed body fails', () => {
    const notice = { type: 'callchart.alert' as const, id: 'a-1', rule: 'export', severity: 'medium' as const, raisedAt: '2026-12-07T10:00:00.000Z', eventSeq: 7, eventAt: '2026-12-07T10:00:00.000Z', actor: 'staff:x', objectType: 'audit-export', objectId: null, detail: {} };
    const request = signedAlertRequest('alert-secret-0123456789abcdef0123456789', notice, 1_796_000_000);
    const header = request.headers['callchart-signature'];
    expect(verifyCtiSignature({ header, rawBody: request.body, secrets: ['alert-secret-0123456789abcdef0123456789'], nowSeconds: 1_796_000_010 })).toMatchObject({ ok: true });
    expect(verifyCtiSignature({ header, rawBody: request.body.replace('export', 'exporT'), secrets: ['alert-secret-0123456789abcdef0123456789'], nowSeconds: 1_796_000_010 })).toMatchObject({ ok: false });
    expect(verifyCtiSignature({ header, rawBody: request.body, secrets: ['another-secret'], nowSeconds: 1_796_000_010 })).toMatchObject({ ok: false });
  });

  it('backs off by doubling, up to the cap', () => {
    expect([1, 2, 3, 4, 10].map((attempts) => nextDeliveryDelayMs(attempts, 1_000, 5_000))).toEqual([1_000, 2_000, 4_000, 5_000, 5_000]);
  });
});
