import type { Bundle, Patient, RelatedPerson, Task } from '@medplum/fhirtypes';
import type { CallEvent } from '../calls/call-event.schema.ts';
import { ctiSignatureHeader, signCtiRequest } from '../pbx/cti-signature.ts';
import { callTaskIdentifierSystem, callTaskIdentifierValue, escapeSearchValue } from '../ehr/fhir-task.mapper.ts';
import { postZoomWebhook, zoomDeliveriesFor } from './zoom-phone.client.ts';
import { zoomProvider } from '../pbx/zoom-events.ts';
import { ringcentralProvider } from '../pbx/ringcentral-events.ts';
import { ringcentralNotificationFor } from './ringcentral-notification.ts';
import { buildCallerPool, pickCallers, scriptCall, seededRandom, shuffleInPlace, type ScriptedCall } from './call-scenarios.ts';

const demoPatterns = ['review', 'summary-only', 'event'] as const;

export interface SimulationOptions {
  target: string;
  secret: string;
  calls: number;
  duplicate?: boolean;
  shuffle?: boolean;
  seed?: number;
  provider?: string;
  /** Wait for the Tasks and check each one's patient link. */
  verify?: boolean;
  verifyTimeoutMs?: number;
  concurrency?: number;
  /** A bearer token for reading the EHR (SMART Backend Services), when it requires one. */
  ehrToken?: () => Promise<string>;
  /** Send the calls to the demo queue of this integration pattern (`demo-<pattern>` in the queue policy). */
  pattern?: 'summary-only' | 'review' | 'event';
  /** The calls happened at 3 a.m. last night in the clinic's time zone (after hours: the on-call clinician is told). */
  afterHours?: boolean;
  /** `mixed`: some callers decline AI or the EHR, as real ones do. */
  consents?: 'all' | 'mixed';
  /**
   * Which PBX the calls come from: `cti` (default) posts normalized events to /webhooks/cti;
   * `zoom` posts each call's lifecycle as Zoom Phone webhooks to /webhooks/zoom signed with
   * `zoomSecret`, and what Zoom does not send (IVR consents and keypad input, transcripts) as CTI
   * events of the same call. `ringcentral` posts call states as RingCentral telephony session
   * notifications to /webhooks/ringcentral with `ringcentralToken` (the Verification-Token), the rest
   * as CTI events of the same call.
   */
  source?: 'cti' | 'zoom' | 'ringcentral';
  zoomSecret?: string;
  ringcentralToken?: string;
  onProgress?: (progress: { phase: 'send' | 'verify'; done: number; total: number }) => void;
}

export interface SimulationReport {
  runId: string;
  calls: number;
  eventsSent: number;
  accepted: number;
  duplicates: number;
  failed: { status: number; code: string | null }[];
  verified: boolean;
  tasksFound: number;
  correctlyLinked: number;
  problems: { providerCallId: string; kind: string; problem: string }[];
  byKind: Record<string, number>;
}

/**
 * Why a simulation could not run, as data the CLI turns into one sentence with what to do:
 * - `target-unreachable`: nothing answers at the target (`code`: ECONNREFUSED, ENOTFOUND, …);
 * - `not-callchart`: something answers, but not a Callchart engine (`status`);
 * - `signature-refused`: the engine refused the webhook signature (`code`): not its secret, or
 *   clocks that disagree; sending stops at the first refusal instead of waiting for Tasks;
 * - `ehr-unreadable`: the EHR refused or did not answer the simulator's reads (`status` or `code`).
 */
export class SimulationRefused extends Error {
  constructor(
    readonly reason: 'target-unreachable' | 'not-callchart' | 'signature-refused' | 'ehr-unreadable',
    readonly detail: { url: string; status?: number; code?: string },
  ) {
    super(`${reason}: ${detail.url}${detail.status ? ` answered ${detail.status}` : ''}${detail.code ? ` (${detail.code})` : ''}`);
    this.name = 'SimulationRefused';
  }
}

/** The network error code under fetch's "fetch failed" (ECONNREFUSED, ENOTFOUND, …). */
function networkCode(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown; errors?: { code?: unknown }[] } }).cause;
  const code = cause?.code ?? cause?.errors?.[0]?.code ?? cause?.message;
  return typeof code === 'string' ? code : error instanceof Error ? error.message : String(error);
}

async function getJson<T>(url: string, bearer: (() => Promise<string>) | undefined, refusal: SimulationRefused['reason']): Promise<T> {
  let response: Response;
  try {
    const token = bearer ? await bearer() : null;
    response = await fetch(url, { headers: { accept: 'application/fhir+json, application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) } });
  } catch (error) {
    throw new SimulationRefused(refusal === 'not-callchart' ? 'target-unreachable' : refusal, { url, code: networkCode(error) });
  }
  if (!response.ok) throw new SimulationRefused(refusal, { url, status: response.status });
  try {
    return (await response.json()) as T;
  } catch {
    throw new SimulationRefused(refusal, { url, status: response.status, code: 'not JSON' });
  }
}

async function searchAll<T>(fhirBaseUrl: string, query: string, bearer?: () => Promise<string>): Promise<T[]> {
  const bundle = await getJson<Bundle>(`${fhirBaseUrl}/${query}`, bearer, 'ehr-unreadable');
  return (bundle.entry ?? []).map((entry) => entry.resource as T);
}

/** Sends one signed event, retrying like a PBX would on 5xx or a dropped connection. */
export async function sendSignedEvent(target: string, secret: string, event: CallEvent): Promise<{ status: number; body: { status?: string; error?: { code?: string } } }> {
  const body = JSON.stringify(event);
  // A ringing call asks for its routing answer, as a PBX that routes through Callchart does:
  // without it the demo's calls were never routed and "Routed to" stayed empty (issue 14).
  return sendWithRetries(() => fetch(`${target}/webhooks/cti${event.type === 'call.ringing' ? '?route=sync' : ''}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [ctiSignatureHeader]: signCtiRequest(secret, body, Math.floor(Date.now() / 1000)) },
    body,
  }));
}

/** A delivery as a PBX makes it: signed afresh on each attempt, retried on 5xx or a dropped connection. */
async function sendWithRetries(send: () => Promise<Response>): Promise<{ status: number; body: { status?: string; error?: { code?: string } } }> {
  for (let attempt = 0; ; attempt++) {
    try {
      const response = await send();
      const parsed = (await response.json().catch(() => ({}))) as { status?: string; error?: { code?: string } };
      if (response.status >= 500 && attempt < maxRetries) {
        // A PBX backs off (a consent still committing answers 503 CONSENT_PENDING "send it again shortly").
        await pause(retryDelayMs(attempt, response.headers.get('retry-after')));
        continue;
      }
      return { status: response.status, body: parsed };
    } catch (error) {
      if (attempt >= maxRetries) throw error;
      await pause(retryDelayMs(attempt, null));
    }
  }
}

const maxRetries = 5;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** 100 ms, 200 ms, 400 ms… (at most 2 s), or the server's Retry-After when it is shorter. */
export function retryDelayMs(attempt: number, retryAfter: string | null): number {
  const backoff = Math.min(2_000, 100 * 2 ** attempt);
  const asked = retryAfter !== null && /^\d+$/.test(retryAfter) ? Number(retryAfter) * 1_000 : Number.POSITIVE_INFINITY;
  return Math.min(backoff, asked);
}

/**
 * Plays synthetic calls against a running engine over HTTP, exactly as a PBX would, then checks
 * the EHR: one Task per call, linked to the right chart or to none.
 */
export async function runSimulation(options: SimulationOptions): Promise<SimulationReport> {
  const target = options.target.replace(/\/+$/, '');
  const seed = options.seed ?? Date.now() % 1_000_000;
  const random = seededRandom(seed);
  const runId = `sim${seed.toString(36)}${Math.floor(random() * 1e6).toString(36)}`;
  const source = options.source ?? 'cti';
  if (source === 'zoom' && !options.zoomSecret) throw new Error('simulating Zoom Phone needs the Zoom secret token');
  if (source === 'ringcentral' && !options.ringcentralToken) throw new Error('simulating RingCentral needs the verification token');
  const provider = source === 'zoom' ? zoomProvider : source === 'ringcentral' ? ringcentralProvider : (options.provider ?? 'simulator');
  const info = await getJson<{ fhirBaseUrl?: unknown; clinic?: { timeZone?: unknown } }>(`${target}/api/info`, undefined, 'not-callchart');
  if (typeof info.fhirBaseUrl !== 'string') throw new SimulationRefused('not-callchart', { url: `${target}/api/info`, code: 'no fhirBaseUrl' });
  const fhirBaseUrl = info.fhirBaseUrl;
  const [patients, relatedPersons] = await Promise.all([
    searchAll<Patient>(fhirBaseUrl, 'Patient?_count=1000', options.ehrToken),
    searchAll<RelatedPerson>(fhirBaseUrl, 'RelatedPerson?_count=1000', options.ehrToken),
  ]);
  const pool = buildCallerPool(patients, relatedPersons);
  if (pool.known.length === 0) throw new Error('The EHR has no patient with a unique phone number to simulate.');
  const callers = pickCallers(pool, options.calls, random);
  const startAt = options.afterHours ? lastThreeAm(typeof info.clinic?.timeZone === 'string' ? info.clinic.timeZone : 'UTC', new Date()) : new Date(Date.now() - 120_000);
  const scripted: ScriptedCall[] = callers.map((caller, index) =>
    scriptCall({
      provider, runId, index, caller, startAt: new Date(startAt.getTime() + index * 1000), random,
      // One pattern when asked; otherwise the calls take turns through the three demo queues.
      queue: `demo-${options.pattern ?? demoPatterns[index % demoPatterns.length]}`, consents: options.consents ?? 'all',
    }),
  );

  let deliveries = scripted.flatMap((call) => call.events);
  if (options.duplicate) deliveries = deliveries.flatMap((event) => [event, event]);
  if (options.shuffle) deliveries = consentsBeforeContent(shuffleInPlace(deliveries, random));

  const report: SimulationReport = {
    runId, calls: scripted.length, eventsSent: 0, accepted: 0, duplicates: 0, failed: [], verified: false,
    tasksFound: 0, correctlyLinked: 0, problems: [], byKind: {},
  };
  for (const call of scripted) report.byKind[call.caller.kind] = (report.byKind[call.caller.kind] ?? 0) + 1;

  let next = 0;
  let refused: SimulationRefused | null = null;
  const zoomSignedAt = new Map<string, number>();
  const worker = async () => {
    while (next < deliveries.length && !refused) {
      const event = deliveries[next++]!;
      const ringcentral = source === 'ringcentral' ? ringcentralNotificationFor(event) : null;
      const delivery = source === 'zoom' ? zoomDeliveriesFor(event)
        : ringcentral ? [{ kind: 'ringcentral' as const, body: JSON.stringify(ringcentral) }] : [{ kind: 'cti' as const, event }];
      let result: Awaited<ReturnType<typeof sendSignedEvent>> | null = null;
      for (const part of delivery) {
        const url = `${target}/webhooks/${part.kind}`;
        // A Zoom redelivery is signed at another moment than the first delivery (the same signed
        // request twice is a replay, refused): here, a second before it.
        const first = zoomSignedAt.get(event.id);
        const signedAt = first === undefined ? Math.floor(Date.now() / 1000) : first - 1;
        zoomSignedAt.set(event.id, signedAt);
        result = await (part.kind === 'zoom' ? sendWithRetries(() => postZoomWebhook(target, options.zoomSecret!, part.body, signedAt))
          : part.kind === 'ringcentral' ? sendWithRetries(() => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json; charset=UTF-8', 'verification-token': options.ringcentralToken! }, body: part.body }))
            : sendSignedEvent(target, options.secret, part.event)).catch((error: unknown) => {
          refused ??= new SimulationRefused('target-unreachable', { url, code: networkCode(error) });
          return null;
        });
        if (!result) return;
        // A refused signature refuses every event alike: stop at the first, not after waiting for Tasks.
        if ((result.status === 401 && result.body.error?.code?.startsWith('SIGNATURE_')) || result.body.error?.code === 'ZOOM_NOT_CONFIGURED') {
          refused ??= new SimulationRefused('signature-refused', { url, status: result.status, code: result.body.error!.code! });
          return;
        }
      }
      if (!result) return;
      report.eventsSent++;
      if (result.body.status === 'accepted') report.accepted++;
      else if (result.body.status === 'duplicate') report.duplicates++;
      else report.failed.push({ status: result.status, code: result.body.error?.code ?? null });
      options.onProgress?.({ phase: 'send', done: report.eventsSent, total: deliveries.length });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 8) }, worker));
  if (refused) throw refused;

  if (options.verify !== false) {
    const deadline = Date.now() + (options.verifyTimeoutMs ?? 90_000);
    const pending = new Map(scripted.map((call) => [call.providerCallId, call]));
    const found = new Map<string, Task[]>();
    const firstSeen = new Map<string, number>();
    const linkSettleMs = 20_000;
    while (pending.size > 0 && Date.now() < deadline) {
      for (const [id, call] of [...pending]) {
        const identifier = `${callTaskIdentifierSystem}|${escapeSearchValue(callTaskIdentifierValue(provider, id))}`;
        const tasks = await searchAll<Task>(fhirBaseUrl, `Task?identifier=${encodeURIComponent(identifier)}`, options.ehrToken);
        if (tasks.length === 0) continue;
        found.set(call.providerCallId, tasks);
        // A late date of birth links an existing Task in place: give a wrong-looking link time to settle.
        firstSeen.set(id, firstSeen.get(id) ?? Date.now());
        const settled = tasks.length === 1 && linkOf(tasks[0]!) === expectedLinkOf(call);
        if (settled || Date.now() - firstSeen.get(id)! > linkSettleMs) pending.delete(id);
      }
      options.onProgress?.({ phase: 'verify', done: found.size, total: scripted.length });
      if (pending.size > 0) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    report.verified = true;
    for (const call of scripted) {
      const tasks = found.get(call.providerCallId) ?? [];
      if (tasks.length === 0) {
        report.problems.push({ providerCallId: call.providerCallId, kind: call.caller.kind, problem: 'no Task in the EHR' });
        continue;
      }
      report.tasksFound += tasks.length;
      if (tasks.length > 1) report.problems.push({ providerCallId: call.providerCallId, kind: call.caller.kind, problem: `${tasks.length} Tasks for one call` });
      const linked = linkOf(tasks[0]!);
      const expected = expectedLinkOf(call);
      if (linked === expected) report.correctlyLinked++;
      else report.problems.push({ providerCallId: call.providerCallId, kind: call.caller.kind, problem: `linked to ${linked ?? 'no patient'}, expected ${expected ?? 'no patient'}` });
    }
  }
  return report;
}

function linkOf(task: Task): string | null {
  return task.for?.reference ?? null;
}

function expectedLinkOf(call: ScriptedCall): string | null {
  return call.caller.expectedPatientId ? `Patient/${call.caller.expectedPatientId}` : null;
}

/**
 * Out of order, as webhooks arrive, except for what no PBX does: it asks for consent before it
 * transcribes, and Callchart stores no transcript that arrives before the consent (invariant 1).
 * A transcript or voicemail waits until its call's consent answers have been sent.
 */
function consentsBeforeContent(deliveries: CallEvent[]): CallEvent[] {
  const consentsLeft = new Map<string, number>();
  for (const event of deliveries) if (event.type === 'consent.captured') consentsLeft.set(event.call.id, (consentsLeft.get(event.call.id) ?? 0) + 1);
  const ordered: CallEvent[] = [];
  const waiting = new Map<string, CallEvent[]>();
  for (const event of deliveries) {
    const carriesContent = event.type === 'transcript.available' || event.type === 'voicemail';
    if (carriesContent && (consentsLeft.get(event.call.id) ?? 0) > 0) {
      waiting.set(event.call.id, [...(waiting.get(event.call.id) ?? []), event]);
      continue;
    }
    ordered.push(event);
    if (event.type === 'consent.captured') {
      const left = (consentsLeft.get(event.call.id) ?? 1) - 1;
      consentsLeft.set(event.call.id, left);
      if (left === 0) ordered.push(...(waiting.get(event.call.id) ?? []));
    }
  }
  return ordered;
}

/** The most recent 3 a.m. (on the hour) in a time zone before `now`: a moment every clinic is closed. */
export function lastThreeAm(timeZone: string, now: Date): Date {
  const hourIn = new Intl.DateTimeFormat('en-US', { timeZone, hour: 'numeric', hourCycle: 'h23' });
  let at = new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000);
  for (let step = 0; step < 48 && Number(hourIn.format(at)) !== 3; step += 1) at = new Date(at.getTime() - 3_600_000);
  return at;
}
