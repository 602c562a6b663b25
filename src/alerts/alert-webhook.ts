import { signCtiRequest } from '../pbx/cti-signature.ts';
import type { AlertSeverity } from './alert-rules.ts';

/**
 * The signed outbound alert webhook. The same scheme as the inbound CTI webhook, so a receiver
 * verifies it the same way:
 *
 *   Callchart-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>
 *
 * with `CALLCHART_ALERT_WEBHOOK_SECRET`. The receiver refuses a `t` older than its replay window and
 * treats `id` as the idempotency key: delivery is at least once (a retry after a lost answer, two
 * engine processes racing) and the body of a retry is the same alert.
 */
export const alertSignatureHeader = 'callchart-signature';
export const alertIdHeader = 'callchart-alert-id';

/** What the receiver gets: ids, codes and counts only, never PHI. */
export interface AlertNotice {
  type: 'callchart.alert';
  id: string;
  rule: string;
  severity: AlertSeverity;
  raisedAt: string;
  eventSeq: number;
  eventAt: string;
  actor: string | null;
  objectType: string | null;
  objectId: string | null;
  detail: Record<string, unknown>;
}

/** The body and headers of one delivery attempt at `nowSeconds`. */
export function signedAlertRequest(secret: string, notice: AlertNotice, nowSeconds: number): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify(notice);
  return {
    body,
    headers: { 'content-type': 'application/json', [alertSignatureHeader]: signCtiRequest(secret, body, nowSeconds), [alertIdHeader]: notice.id },
  };
}

/** When to try again after `attempts` failed tries: doubling from `baseMs`, capped. */
export function nextDeliveryDelayMs(attempts: number, baseMs: number, capMs: number): number {
  return Math.min(capMs, baseMs * 2 ** Math.max(0, attempts - 1));
}
