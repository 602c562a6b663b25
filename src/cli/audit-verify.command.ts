import { existsSync } from 'node:fs';
import path from 'node:path';
import { verifyAuditChain } from '../audit/audit.repository.ts';
import { openDb } from '../store/db.ts';

export async function runAuditVerify(options: { dataDir: string }): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl && !existsSync(path.join(options.dataDir, 'pgdata'))) {
    console.error(`No embedded store in ${options.dataDir} and DATABASE_URL is not set.`);
    process.exit(2);
  }
  const db = await openDb({ databaseUrl, dataDir: options.dataDir });
  try {
    console.error(`Verifying the audit log in ${db.label}…`);
    const verdict = await verifyAuditChain(db, (seq) => process.stderr.write(`  checked up to #${seq}\n`));
    if (verdict.ok) {
      console.log(`Audit chain intact: ${verdict.events} events, head ${verdict.lastHash.slice(0, 16)}…`);
    } else {
      console.log(`Audit chain BROKEN at event #${verdict.brokenAt} (${verdict.problem}); ${verdict.events} events before it verify.`);
      process.exitCode = 1;
    }
  } finally {
    await db.close();
  }
}
