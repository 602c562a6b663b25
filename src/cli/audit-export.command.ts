import { once } from 'node:events';
import { SignedAuditExport, toFhirAuditEvent } from '../audit/audit-export.ts';
import { countPendingAuditEvents, readAuditEvents } from '../audit/audit.repository.ts';
import { auditKeyOrExit, openAuditStoreOrExit } from './audit-verify.command.ts';
import { recordCliExport } from './audit-access.command.ts';

export type AuditExportFormat = 'jsonl' | 'fhir';

async function write(line: string): Promise<void> {
  // Respect back-pressure: a year of events piped into a slow consumer must not pile up in memory.
  if (!process.stdout.write(`${line}\n`)) await once(process.stdout, 'drain');
}

/**
 * Writes the chained audit events whose time is in [from, to) to stdout, in chain order: signed JSON
 * lines (with a trailer HMAC) or FHIR R4 AuditEvent NDJSON. Events still pending are not exported
 * (they have no chain hash yet); stderr says how many.
 */
export async function runAuditExport(options: { dataDir: string; from?: Date; to?: Date; format: AuditExportFormat }): Promise<void> {
  // The signed format needs the key; FHIR NDJSON is unsigned (its chain hashes are checkable with the key later).
  const key = options.format === 'jsonl' ? auditKeyOrExit(options.dataDir, 'sign the export') : null;
  const db = await openAuditStoreOrExit(options.dataDir);
  try {
    const signed = key ? new SignedAuditExport(key, { from: options.from, to: options.to }, new Date()) : null;
    let afterSeq = 0;
    let count = 0;
    for (;;) {
      const page = await readAuditEvents(db, { afterSeq, limit: 1000, ...(options.from ? { from: options.from } : {}), ...(options.to ? { to: options.to } : {}) });
      if (page.length === 0) break;
      for (const event of page) await write(signed ? signed.line(event) : JSON.stringify(toFhirAuditEvent(event)));
      count += page.length;
      afterSeq = page[page.length - 1]!.seq;
    }
    if (signed) await write(signed.trailer());
    await recordCliExport(db, { count, format: options.format });
    const pending = await countPendingAuditEvents(db);
    console.error(`Exported ${count} audit events (${options.format === 'jsonl' ? 'signed JSON lines' : 'FHIR R4 AuditEvent NDJSON'}).${pending ? ` ${pending} events are not chained yet and were not exported.` : ''}`);
  } finally {
    await db.close();
  }
}
