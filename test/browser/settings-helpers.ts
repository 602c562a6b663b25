import { parseDocument } from 'yaml';
import type { Page } from 'playwright-core';
import type { Db } from '../../src/store/db.ts';
import { eventually, syntheticEvent, type Harness } from '../helpers/engine-harness.ts';
import { ctiSignatureHeader, signCtiRequest } from '../../src/pbx/cti-signature.ts';

/** The YAML in the open section's editor, changed at `path` to `value` (comments and order kept). */
export async function editYaml(page: Page, change: (doc: ReturnType<typeof parseDocument>) => void): Promise<string> {
  const editor = page.getByLabel('Settings (YAML, as in the file)');
  const doc = parseDocument(await editor.inputValue());
  change(doc);
  const text = doc.toString({ lineWidth: 0 });
  await editor.fill(text);
  return text;
}

export interface AuditRow {
  actor: string;
  action: string;
  object_id: string | null;
  reason: string | null;
  at: Date | string;
  detail: Record<string, unknown>;
}

/** The chained audit events of an action (they reach audit_event shortly after the change commits). */
export async function auditEvents(db: Db, action: string, objectId: string): Promise<AuditRow[]> {
  return eventually(async () => {
    const { rows } = await db.query<AuditRow>('select actor, action, object_id, reason, at, detail from audit_event where action = $1 and object_id = $2 order by seq', [action, objectId]);
    return rows.length > 0 ? rows : null;
  }, 15_000, `audit event ${action} on ${objectId}`);
}

/** A synthetic call rings and the engine answers with its routing decision (`?route=sync`, as a PBX asks). */
export async function ringForRoute(harness: Harness, callId: string): Promise<{ destinationId: string; ruleId: string } | undefined> {
  const body = JSON.stringify(syntheticEvent({ type: 'call.ringing', callId, ani: '+16175550177' }));
  const response = await fetch(`${harness.engine.url}/webhooks/cti?route=sync`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [ctiSignatureHeader]: signCtiRequest(harness.secret, body, Math.floor(Date.now() / 1000)) },
    body,
  });
  return ((await response.json()) as { routing?: { destinationId: string; ruleId: string } }).routing;
}
