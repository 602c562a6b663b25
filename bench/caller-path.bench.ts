/**
 * Seconds from answer to a person, for each caller path (PX-1), before and after issue 16.
 *
 *   npx tsx bench/caller-path.bench.ts
 *
 * "After" walks the real webhook flow: signed Twilio webhooks against an engine (PGlite) with the
 * sandbox EHR over HTTP, answering each <Gather> as a caller on that path would, and times the
 * TwiML the engine actually returned. "Before" is the flow as of commit 0e443d9 (four consent
 * questions, then the menu with urgent as option 5, then the date of birth), rebuilt from its
 * prompt texts (kept below) under the same timing model and the same identity outcome.
 *
 * Timing model (the same for both):
 *   - every <Say> is spoken at 150 words a minute;
 *   - the caller listens to the whole prompt, then answers: 1.5 s to react, 0.5 s per key
 *     (the date of birth is 8 keys and #);
 *   - a question the caller lets pass (the greeting, when not urgent) costs its <Gather> timeout;
 *   - the words said before <Enqueue>/<Dial> count; the wait in the queue does not (that is staffing);
 *   - the engine's own answer time per webhook is measured and reported, not modelled.
 *
 * Prints a table and writes bench/results/caller-path.json. Synthetic patients and numbers only.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import twilio from 'twilio';
import { startSandboxEhr } from '../src/sandbox-ehr/sandbox-ehr.server.ts';
import { generateSyntheticClinic, sandboxPhoneScenarios } from '../src/sandbox-ehr/synthetic-clinic.ts';
import { ivrProfileFor, ivrSettingsSchema, type IvrProfile } from '../src/ivr/ivr-settings.schema.ts';
import { consentsToAsk } from '../src/ivr/ivr-flow.ts';
import { startHarness, type Harness } from '../test/helpers/engine-harness.ts';

export const wordsPerMinute = 150;
export const reactionSeconds = 1.5;
export const secondsPerKey = 0.5;

/** The caller's side of the IVR: seconds spoken, waited and keyed, per TwiML answer. */
export interface Turn {
  say: string[];
  /** Keys the caller pressed in answer; null: let it pass (the Gather's timeout). */
  keys: string | null;
  timeoutSeconds: number;
}

export function spokenSeconds(texts: readonly string[]): number {
  const words = texts.join(' ').split(/\s+/).filter((word) => /[\p{L}\p{N}]/u.test(word)).length;
  return (words / wordsPerMinute) * 60;
}

/** Seconds from answer to a person for a sequence of turns and the words said before the hand-off. */
export function pathSeconds(turns: readonly Turn[], handOff: readonly string[]): number {
  const asked = turns.reduce((sum, turn) => sum + spokenSeconds(turn.say) + (turn.keys === null ? turn.timeoutSeconds : reactionSeconds + turn.keys.length * secondsPerKey), 0);
  return asked + spokenSeconds(handOff);
}

/** The prompts as they were at commit 0e443d9 (src/ivr/ivr-phrases.ts, ivr-settings.schema.ts). */
const before = {
  disclosure: 'Thank you for calling. This call may be recorded and transcribed to help your care team. If this is a medical emergency, hang up and dial 911.',
  consent: {
    record: 'May we record this call? Press 1 for yes, or 2 for no.',
    transcribe: 'May we transcribe this call for your care team? Press 1 for yes, or 2 for no.',
    ai: 'May an automated assistant summarize your call for our staff to review? Press 1 for yes, or 2 for no.',
    ehr: 'May we add a note about this call to your medical record? Press 1 for yes, or 2 for no.',
  },
  reasonMenu: 'For appointments, press 1. For prescription refills, press 2. For a question for the nurse, press 3. For billing, press 4. If this is urgent, press 5. For anything else, press 0.',
  dob: 'Please enter your date of birth: two digits for the month, two for the day, and four for the year, then press pound.',
  connecting: 'Thank you. Please hold while we connect you.',
  urgent: 'Connecting you to our nurse now. If this is a medical emergency, hang up and dial 911.',
  timeoutSeconds: 6,
} as const;

/** The old flow for a profile: every consent first (the disclosure with the first), the menu, then the date of birth. */
export function beforeTurns(profile: IvrProfile, path: { urgent: boolean; dobAsked: boolean; dob: string }): { turns: Turn[]; handOff: string[] } {
  const turns: Turn[] = consentsToAsk(profile).map((scope, index) => ({
    say: index === 0 ? [before.disclosure, before.consent[scope]] : [before.consent[scope]], keys: '1', timeoutSeconds: before.timeoutSeconds,
  }));
  if (turns.length === 0) turns.push({ say: [before.disclosure, before.reasonMenu], keys: path.urgent ? '5' : '2', timeoutSeconds: before.timeoutSeconds });
  else turns.push({ say: [before.reasonMenu], keys: path.urgent ? '5' : '2', timeoutSeconds: before.timeoutSeconds });
  if (path.urgent) return { turns, handOff: [before.urgent] };
  if (path.dobAsked) turns.push({ say: [before.dob], keys: `${path.dob}#`, timeoutSeconds: before.timeoutSeconds });
  return { turns, handOff: [before.connecting] };
}

const accountSid = `AC${'0'.repeat(32)}`;
const lines = {
  separate: '+16175550100',
  combined: '+16175550101',
  separateKnownSkip: '+16175550102',
  combinedKnownSkip: '+16175550104',
  oneParty: '+16175550103',
} as const;
const ivr = ivrSettingsSchema.parse({
  byNumber: {
    [lines.combined]: { consentQuestion: 'combined' },
    [lines.separateKnownSkip]: { dobStepUp: 'when-ambiguous' },
    [lines.combinedKnownSkip]: { dobStepUp: 'when-ambiguous', consentQuestion: 'combined' },
    [lines.oneParty]: { jurisdiction: 'one-party' },
  },
});

function decode(text: string): string {
  return text.replace(/&apos;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** What the caller hears and is asked in one TwiML answer. */
function readTwiml(twiml: string): { say: string[]; gather: { step: string; timeoutSeconds: number } | null } {
  const say = [...twiml.matchAll(/<Say[^>]*>([^<]*)<\/Say>/g)].map((match) => decode(match[1]!));
  const gather = /<Gather([^>]*)>/.exec(twiml);
  if (!gather) return { say, gather: null };
  const step = /step=([a-z-]+)/.exec(gather[1]!)?.[1] ?? '';
  const timeoutSeconds = Number(/timeout="(\d+)"/.exec(gather[1]!)?.[1] ?? '5');
  return { say, gather: { step, timeoutSeconds } };
}

interface CallerPath {
  name: string;
  /** The queue policy makes no queue record (a clinic that never records calls). */
  neverRecords?: boolean;
  line: string;
  from: string;
  urgent: boolean;
  dob: string;
}

async function walkAfter(harness: Harness, caller: CallerPath): Promise<{ turns: Turn[]; handOff: string[]; steps: string[]; serverMs: number; connected: boolean }> {
  const callSid = `CA${randomBytes(16).toString('hex')}`;
  const params = { CallSid: callSid, AccountSid: accountSid, From: caller.from, To: caller.line, Direction: 'inbound', CallStatus: 'ringing' };
  let serverMs = 0;
  const post = async (pathAndQuery: string, body: Record<string, string>) => {
    const url = `${harness.engine.url}${pathAndQuery}`;
    const started = performance.now();
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilio.getExpectedTwilioSignature(harness.twilioAuthToken, url, body) },
      body: new URLSearchParams(body).toString(),
    });
    const text = await response.text();
    serverMs += performance.now() - started;
    if (response.status !== 200) throw new Error(`${pathAndQuery} answered ${response.status}`);
    return text;
  };
  const turns: Turn[] = [];
  const steps: string[] = [];
  let twiml = await post('/webhooks/twilio/voice', params);
  for (let guard = 0; guard < 20; guard++) {
    const heard = readTwiml(twiml);
    if (!heard.gather) return { turns, handOff: heard.say, steps, serverMs, connected: /<Enqueue|<Dial/.test(twiml) };
    const { step } = heard.gather;
    const keys = step === 'greeting' ? (caller.urgent ? '1' : null) : step === 'reason' ? '2' : step === 'dob' ? caller.dob : '1';
    turns.push({ say: heard.say, keys: step === 'dob' ? `${keys}#` : keys, timeoutSeconds: heard.gather.timeoutSeconds });
    steps.push(step);
    twiml = await post(`/webhooks/twilio/ivr?step=${step}`, { ...params, Digits: keys ?? '' });
  }
  throw new Error(`${caller.name}: the IVR did not hand the call on`);
}

async function main() {
  const clinic = generateSyntheticClinic();
  const scenarios = sandboxPhoneScenarios(clinic);
  const keypad = (iso: string) => `${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(0, 4)}`;
  const known = scenarios.uniquePatient[7]!;
  const knownDob = keypad(clinic.patients.find((patient) => patient.id === known.patientId)!.birthDate!);
  const shared = scenarios.sharedFamily[1]!;
  const sharedDob = keypad(clinic.patients.find((patient) => patient.id === shared.patientIds[0])!.birthDate!);
  let unknown = 10;
  const paths: CallerPath[] = [];
  for (const [jurisdiction, line, skipLine] of [['one at a time', lines.separate, lines.separateKnownSkip], ['combined', lines.combined, lines.combinedKnownSkip]] as const) {
    paths.push(
      { name: `urgent caller (${jurisdiction})`, line, from: scenarios.unknown[unknown++]!, urgent: true, dob: '' },
      { name: `known caller, DOB always asked (${jurisdiction})`, line, from: known.phone, urgent: false, dob: knownDob },
      { name: `known caller, DOB when ambiguous (${jurisdiction})`, line: skipLine, from: known.phone, urgent: false, dob: knownDob },
      { name: `shared family number (${jurisdiction})`, line, from: shared.phone, urgent: false, dob: sharedDob },
      { name: `unknown caller, no chart (${jurisdiction})`, line, from: scenarios.unknown[unknown++]!, urgent: false, dob: '' },
    );
  }
  paths.push({ name: 'known caller, one-party state', line: lines.oneParty, from: known.phone, urgent: false, dob: knownDob });
  paths.push({ name: 'known caller, clinic never records (one at a time)', line: lines.separateKnownSkip, from: known.phone, urgent: false, dob: knownDob, neverRecords: true });

  const ehr = await startSandboxEhr({ port: 0 });
  const harness = await startHarness('pglite', { ehr, config: { ivr } });
  const results = [];
  try {
    const policy = harness.engine.policies.current.policy;
    for (const caller of paths) {
      if (caller.neverRecords) await harness.engine.policies.activate({ ...policy, defaults: { ...policy.defaults, recording: false } }, { changedBy: 'bench', reason: 'no queue records' });
      const after = await walkAfter(harness, caller);
      if (caller.neverRecords) await harness.engine.policies.activate(policy, { changedBy: 'bench', reason: 'restore' });
      if (!after.connected) throw new Error(`${caller.name}: not connected to a person`);
      const profile = ivrProfileFor(ivr, caller.line);
      const old = beforeTurns(profile, { urgent: caller.urgent, dobAsked: after.steps.includes('dob'), dob: caller.dob });
      const beforeSeconds = pathSeconds(old.turns, old.handOff);
      const afterSeconds = pathSeconds(after.turns, after.handOff);
      results.push({
        path: caller.name,
        beforeSeconds: Number(beforeSeconds.toFixed(1)),
        afterSeconds: Number(afterSeconds.toFixed(1)),
        savedSeconds: Number((beforeSeconds - afterSeconds).toFixed(1)),
        questionsBefore: old.turns.length,
        questionsAfter: after.turns.length,
        stepsAfter: after.steps,
        engineMs: Number(after.serverMs.toFixed(0)),
      });
    }
  } finally {
    await harness.close();
    await ehr.close();
  }

  console.log(`\nSeconds from answer to a person (speech ${wordsPerMinute} words/min, ${reactionSeconds} s to react, ${secondsPerKey} s per key, silence = the Gather timeout)\n`);
  console.log(`${'path'.padEnd(52)} ${'before'.padStart(7)} ${'after'.padStart(7)} ${'saved'.padStart(7)}  questions  engine ms  steps after`);
  for (const row of results) {
    console.log(
      `${row.path.padEnd(52)} ${row.beforeSeconds.toFixed(1).padStart(7)} ${row.afterSeconds.toFixed(1).padStart(7)} ${row.savedSeconds.toFixed(1).padStart(7)}  ${`${row.questionsBefore} → ${row.questionsAfter}`.padEnd(9)}  ${String(row.engineMs).padStart(9)}  ${row.stepsAfter.join(', ')}`,
    );
  }
  const out = path.resolve(import.meta.dirname, 'results', 'caller-path.json');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify({ model: { wordsPerMinute, reactionSeconds, secondsPerKey }, results }, null, 2)}\n`);
  console.log(`\nwrote ${path.relative(process.cwd(), out)}`);
}

if (process.argv[1]?.endsWith('caller-path.bench.ts')) await main();
