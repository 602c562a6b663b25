/**
 * Issue 11, finding 12: `auditRulesRejected` had no caller, so a routing rules file the engine
 * refused left no trace in the audit log (invariant 7: bad input gets a clear error and an audit
 * entry). Rules are read only at start (there is no reload), so that is where a refusal is
 * audited: the engine writes the entry, closes its store, and refuses to start.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { listAuditEvents } from '../../src/audit/audit.repository.ts';
import { defaultConfig } from '../../src/config/config.schema.ts';
import { startEngine } from '../../src/engine/engine.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { openDb } from '../../src/store/db.ts';
import { backendKinds, createScratchDatabase } from '../helpers/backends.ts';
import { seedPgliteDataDir } from '../helpers/pglite-template.ts';

const badRules = fileURLToPath(new URL('../fixtures/routing/bad/synthetic-three-problems.yaml', import.meta.url));

describe.each(backendKinds)('a refused routing rules file is audited (%s)', (kind) => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function startWithRules(rulesFile: string): Promise<{ error: unknown; auditedRejections: () => Promise<{ reason: string | null; detail: Record<string, unknown> }[]> }> {
    const scratch = kind === 'postgres' ? await createScratchDatabase() : null;
    const dataDir = mkdtempSync(path.join(tmpdir(), 'callchart-rules-rejected-'));
    if (scratch) cleanups.push(() => scratch.drop());
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    if (kind === 'pglite') await seedPgliteDataDir(dataDir);
    const error = await startEngine({
      config: { ...defaultConfig, routing: { ...defaultConfig.routing, rulesFile } },
      databaseUrl: scratch?.url,
      dataDir: kind === 'pglite' ? dataDir : undefined,
      fhirBaseUrl: 'http://127.0.0.1:9/fhir/R4',
      ehrAuth: false,
      webhookSecret: randomBytes(16).toString('hex'),
      staffTokenSecret: randomBytes(32),
      dataKey: randomBytes(32),
      port: 0,
      logger: createLogger({ level: 'silent' }),
    }).then(
      async (engine) => {
        await engine.close();
        return null;
      },
      (thrown: unknown) => thrown,
    );
    return {
      error,
      async auditedRejections() {
        // The engine closed its store on the way out: the next opener finds it free.
        const db = await openDb({ databaseUrl: scratch?.url, dataDir: kind === 'pglite' ? dataDir : undefined });
        try {
          const events = await listAuditEvents(db, { limit: 1000 });
          return events.filter((event) => event.action === 'routing.rules.rejected').map((event) => ({ reason: event.reason, detail: event.detail }));
        } finally {
          await db.close();
        }
      },
    };
  }

  it('rules with three problems: the start fails listing them, and the refusal is in the audit log with the count', async () => {
    const { error, auditedRejections } = await startWithRules(badRules);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/Routing rules .* are invalid/);
    expect(await auditedRejections()).toEqual([{ reason: 'RULES_INVALID', detail: { problems: 3, file: 'synthetic-three-problems.yaml' } }]);
  });

  it('a rules file that cannot be read: the start fails, and the refusal is audited too', async () => {
    const { error, auditedRejections } = await startWithRules(path.join(tmpdir(), `callchart-no-such-rules-${randomBytes(4).toString('hex')}.yaml`));
    expect(error).toBeInstanceOf(Error);
    expect(await auditedRejections()).toEqual([{ reason: 'RULES_UNREADABLE', detail: { problems: 0, file: expect.stringMatching(/^callchart-no-such-rules-.*\.yaml$/) } }]);
  });
});
