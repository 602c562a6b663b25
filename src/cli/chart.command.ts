import type { Bundle, Communication, DocumentReference, Provenance, Resource, Task } from '@medplum/fhirtypes';
import { SmartBackendTokenProvider } from '../ehr/smart-auth.client.ts';
import type { EhrClientCredentials } from '../ehr/smart-auth.ts';
import { ehrClientFromEnv, readSandboxEhrReader } from '../engine/secrets.ts';
import { isCallchartError } from '../lib/errors.ts';
import {
  chartReaderScopes, countChartRecords, describeChartRecordGroup, groupChartRecords, onPatient, writtenIdentifierSystems, type ChartRecordGroup, type WrittenRecords,
} from '../write-back/chart-readback.ts';
import { refuseStart } from './start-checks.ts';
import { openDb } from '../store/db.ts';
import { appendAuditEvent } from '../audit/audit.repository.ts';
import { phiViewedEvent } from '../audit/access-log.ts';
import { operatorActor } from './audit-access.command.ts';

/**
 * `callchart chart [patient]`: reads back from the EHR every resource Callchart wrote (issue 12,
 * defect 9: the FHIR URL the demo printed answered 401 in a browser, so nobody could see what the
 * demo had written). It reads with a read-only SMART client: the demo's (kept in its data directory,
 * scopes read and search only), or for a real EHR the EHR_CLIENT_* client asking for read scopes.
 */

interface ChartOptions {
  dataDir: string;
  ehrUrl?: string;
  json: boolean;
}

class ChartReadRefused extends Error {}

/** Which EHR to read and how: the demo's reader, else the EHR_CLIENT_* client, else no token. */
function readerFor(options: ChartOptions): { fhirBaseUrl: string; client: EhrClientCredentials | null; source: string } {
  const stored = readSandboxEhrReader(options.dataDir);
  if (stored && (stored.fhirBaseUrl || options.ehrUrl)) {
    return { fhirBaseUrl: options.ehrUrl ?? stored.fhirBaseUrl!, client: stored, source: `the demo's read-only key in ${options.dataDir}` };
  }
  if (!options.ehrUrl) {
    refuseStart(
      `No EHR to read: run it against a running \`callchart demo\` with the same --data-dir (the demo keeps a read-only EHR key there; looked in ${options.dataDir}), ` +
        'or pass --ehr-url (with EHR_CLIENT_ID, EHR_CLIENT_PRIVATE_JWK and EHR_TOKEN_URL for an EHR that requires a token).',
    );
  }
  let fromEnv: EhrClientCredentials | null;
  try {
    fromEnv = ehrClientFromEnv();
  } catch (error) {
    refuseStart(`${(error as Error).message}.`);
  }
  // Whatever the client may do elsewhere, this command asks for read and search only.
  return fromEnv
    ? { fhirBaseUrl: options.ehrUrl, client: { ...fromEnv, scopes: chartReaderScopes }, source: `the EHR client ${fromEnv.clientId}` }
    : { fhirBaseUrl: options.ehrUrl, client: null, source: 'no token' };
}

/** Every page of a search (a real EHR pages; the sandbox answers in one). */
async function searchEvery<T extends Resource>(fhirBaseUrl: string, query: string, token: (() => Promise<string>) | null): Promise<T[]> {
  const found: T[] = [];
  let url: string | undefined = `${fhirBaseUrl}/${query}`;
  for (let page = 0; url && page < 1_000; page++) {
    let response: Response;
    try {
      const bearer = token ? await token() : null;
      response = await fetch(url, { headers: { accept: 'application/fhir+json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) } });
    } catch (error) {
      if (isCallchartError(error)) throw error;
      const cause = (error as { cause?: { code?: string } }).cause;
      throw new ChartReadRefused(`Nothing answers at ${fhirBaseUrl} (${cause?.code ?? (error as Error).message}): is the demo (or the EHR) still running?`);
    }
    if (response.status === 401 || response.status === 403) {
      throw new ChartReadRefused(`The EHR refused to let this reader search ${query.split('?')[0]} (HTTP ${response.status}): the key may belong to a demo that has stopped or restarted; use the --data-dir of the running demo.`);
    }
    if (!response.ok) throw new ChartReadRefused(`The EHR answered HTTP ${response.status} to a search of ${query.split('?')[0]}: try again when it is up.`);
    const bundle = (await response.json()) as Bundle<T>;
    for (const entry of bundle.entry ?? []) if (entry.resource && entry.search?.mode !== 'include') found.push(entry.resource);
    url = bundle.link?.find((link) => link.relation === 'next')?.url;
  }
  return found;
}

async function readWrittenRecords(fhirBaseUrl: string, token: (() => Promise<string>) | null): Promise<WrittenRecords> {
  const bySystem = await Promise.all(
    writtenIdentifierSystems.map(({ resourceType, system }) => searchEvery<Resource>(fhirBaseUrl, `${resourceType}?identifier=${encodeURIComponent(`${system}|`)}&_count=1000`, token)),
  );
  const all = bySystem.flat();
  const tasks = all.filter((resource): resource is Task => resource.resourceType === 'Task');
  const communications = all.filter((resource): resource is Communication => resource.resourceType === 'Communication');
  const documents = all.filter((resource): resource is DocumentReference => resource.resourceType === 'DocumentReference');
  // Provenance has no business identifier: find it by what it is about, a few dozen targets a search.
  const targets = [...tasks, ...communications, ...documents].map((resource) => `${resource.resourceType}/${resource.id}`);
  const provenance = new Map<string, Provenance>();
  for (let start = 0; start < targets.length; start += 40) {
    const chunk = targets.slice(start, start + 40).join(',');
    for (const found of await searchEvery<Provenance>(fhirBaseUrl, `Provenance?target=${encodeURIComponent(chunk)}&_count=1000`, token)) provenance.set(found.id ?? JSON.stringify(found), found);
  }
  return { tasks, communications, documents, provenance: [...provenance.values()] };
}

export async function runChart(patient: string | undefined, options: ChartOptions): Promise<void> {
  const reader = readerFor(options);
  const fhirBaseUrl = reader.fhirBaseUrl.replace(/\/+$/, '');
  const tokens = reader.client ? new SmartBackendTokenProvider({ ...reader.client, scopes: reader.client.scopes ?? chartReaderScopes }) : null;
  let records: WrittenRecords;
  try {
    records = await readWrittenRecords(fhirBaseUrl, tokens ? () => tokens.getAccessToken() : null);
  } catch (error) {
    if (error instanceof ChartReadRefused) refuseStart(error.message);
    if (isCallchartError(error) && error.code === 'EHR_UNAVAILABLE') {
      refuseStart(`The EHR at ${new URL(fhirBaseUrl).origin} does not answer (${error.message}): is the demo (or the EHR) still running? Start it, or use the --data-dir of the running demo.`);
    }
    if (isCallchartError(error) && error.code === 'EHR_AUTH_REJECTED') {
      refuseStart(`The EHR refused ${reader.source} (${error.message}): if the demo has restarted since, use the --data-dir of the running demo.`);
    }
    throw error;
  }
  const groups = patient ? onPatient(groupChartRecords(records), patient) : groupChartRecords(records);
  await logChartReadback(groups);
  if (options.json) {
    // One resource per line (NDJSON), grouped by call, for jq and scripts.
    for (const group of groups) for (const resource of [...group.tasks, ...group.communications, ...group.documents, ...group.provenance]) console.log(JSON.stringify(resource));
    return;
  }
  const counts = countChartRecords(groups);
  console.log(
    `What Callchart wrote to ${fhirBaseUrl}${patient ? ` for ${patient}` : ''} (read with ${reader.source}): ${groups.length} call${groups.length === 1 ? '' : 's'}; ` +
      `${counts.Task} Task, ${counts.Communication} Communication, ${counts.DocumentReference} DocumentReference, ${counts.Provenance} Provenance.`,
  );
  if (groups.length === 0) console.log('Nothing yet: send calls (`npx callchart simulate …`) and approve review items, then look again.');
  for (const group of groups) console.log(`\n${describeChartRecordGroup(group).join('\n')}`);
}

/**
 * The readback shows what was filed on each chart: in the access log (`phi.viewed`, purpose
 * `chart-readback`, one entry per call's records) when the store is PostgreSQL. The embedded store
 * belongs to the running demo (one process per PGlite directory), so a readback beside a demo is
 * not logged (README, "Access logging").
 */
async function logChartReadback(groups: readonly ChartRecordGroup[]): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl || groups.length === 0) return;
  const db = await openDb({ databaseUrl });
  try {
    const actor = operatorActor();
    await db.transaction(async (tx) => {
      for (const group of groups) {
        await appendAuditEvent(tx, phiViewedEvent({ actor, purpose: 'chart-readback', objectType: 'chart-readback', objectId: group.key, patientId: group.patient?.replace(/^Patient\//, '') ?? null }));
      }
    });
  } finally {
    await db.close();
  }
}
