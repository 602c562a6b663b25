import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Communication, DocumentReference, Provenance, Resource, Task } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callTaskIdentifierSystem } from '../src/ehr/fhir-task.mapper.ts';
import { callIdentifierSystem, callNoteIdentifierSystem } from '../src/write-back/chart-record.mapper.ts';
import { eventually } from './helpers/engine-harness.ts';

/**
 * Issue 12, defect 9: the FHIR URL the demo printed answered 401 in a browser, and the demo's
 * reader client had no scopes for Communication or DocumentReference, so nobody could see what
 * the demo had written. The demo prints a command that reads back every resource it wrote; run as
 * printed, it shows a Task, a Communication and a DocumentReference (and their Provenance) for a
 * call a nurse approved. Synthetic patients and calls only.
 */

const bin = path.resolve('bin/callchart.js');
const scratch = mkdtempSync(path.join(tmpdir(), 'callchart-demo-chart-'));
const dataDir = path.join(scratch, 'demo');
const env = { ...process.env, DATABASE_URL: '', CALLCHART_WEBHOOK_SECRET: '', CALLCHART_STAFF_TOKEN_SECRET: '', CALLCHART_DATA_KEY: '', TWILIO_AUTH_TOKEN: '', LOG_LEVEL: 'error' };
let demo: ChildProcess | null = null;
let printed = '';

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: scratch, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  demo = spawn(process.execPath, [bin, 'demo', '--port', '0', '--data-dir', dataDir, '--patients', '40'], { cwd: scratch, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  demo.stdout!.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  demo.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await eventually(async () => (/Stop:/.test(printed) ? true : null), 110_000, `the demo to come up (stderr: ${stderr})`);
}, 120_000);

afterAll(async () => {
  if (demo && demo.exitCode === null && demo.signalCode === null) {
    demo.kill('SIGINT');
    await new Promise((resolve) => demo!.once('close', resolve));
  }
  rmSync(scratch, { recursive: true, force: true });
});

describe('what the demo wrote can be read back', () => {
  it('the FHIR URL line says a browser gets 401 and where to read it instead', () => {
    const fhirLine = /FHIR R4 \(EHR\).*/.exec(printed)?.[0] ?? '';
    expect(fhirLine).toMatch(/http:\/\/127\.0\.0\.1:\d+\/fhir\/R4/);
    expect(fhirLine).toMatch(/401/);
    expect(fhirLine).toMatch(/chart/);
  });

  it('the printed chart command reads back the Task, Communication, DocumentReference and Provenance of a call a nurse approved', async () => {
    // The demo prints the app's sign-in and no token in any URL (issue 14); scripts take a token from `staff-token`.
    const url = /Staff app\s+(http:\/\/127\.0\.0\.1:\d+)\/sign-in/.exec(printed)![1]!;
    expect(printed).not.toContain('#token=');
    for (const role of ['front desk', 'nurse', 'clinician', 'supervisor', 'analyst', 'administrator', 'auditor']) expect(printed).toMatch(new RegExp(`${role}\\s+\\w+ / \\S{12,}`));
    const nurse = (await run(['staff-token', '--role', 'nurse', '--data-dir', dataDir])).stdout.trim();
    const chartCommand = /See chart:\s+npx callchart (chart[^\n]*)/.exec(printed)?.[1]?.trim();
    expect(chartCommand, printed).toBeDefined();
    const chartArgs = chartCommand!.split(/\s+/);

    // Before any call: the command runs and says there is nothing yet (no 401, no stack trace).
    const empty = await run(chartArgs);
    expect(empty.stderr).toBe('');
    expect(empty.code).toBe(0);
    expect(empty.stdout).toContain('0 calls');

    // Calls into the review queue; callers who key in their date of birth are verified.
    const simulated = await run(['simulate', '--target', url, '--calls', '6', '--seed', '11', '--pattern', 'review', '--data-dir', dataDir]);
    expect(simulated.stdout).toContain('OK');

    const api = async (method: string, route: string, body?: unknown) => {
      const response = await fetch(`${url}${route}`, {
        method,
        headers: { authorization: `Bearer ${nurse}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      return (await response.json()) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    };
    // A nurse approves one verified caller's note as drafted, with the S0 checklist done.
    await eventually(async () => {
      const answer = await api('GET', '/api/review?status=pending');
      expect(answer.items, JSON.stringify(answer)).toBeDefined();
      const pending = answer.items as { id: string; reasons: string[] }[];
      // An AI draft (not a note a person must write first) for a caller who keyed in their date of birth.
      for (const item of pending.filter((candidate) => !candidate.reasons.includes('human-note'))) {
        const opened = await api('GET', `/api/review/${item.id}`);
        if (!opened.identity?.verified) continue;
        const result = await api('POST', `/api/review/${item.id}/approve`, {
          baseVersion: opened.item.currentVersion,
          checklist: { patientIdentifiedCorrectly: true, actionAppropriate: true, noUnnecessaryPhi: true, neutralFactualTone: true },
        });
        if (result.item?.status === 'approved') return true;
      }
      return null;
    }, 60_000, 'a verified review item to approve');

    // The write-back worker sends the approved record; then the printed command, with --json (one FHIR resource a line), shows it.
    await eventually(async () => {
      const summary = await api('GET', '/api/write-back/summary');
      if (summary.counts?.fhir?.failed > 0) throw new Error(`write-back failed: ${JSON.stringify(await api('GET', '/api/write-back?status=failed'))}`);
      return summary.counts?.fhir?.delivered > 0 ? true : null;
    }, 60_000, 'the approved record to reach the EHR');
    const chartRun = await run([...chartArgs, '--json']);
    expect(chartRun.stderr).toBe('');
    expect(chartRun.code).toBe(0);
    const read = chartRun.stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Resource);

    const documents = read.filter((resource): resource is DocumentReference => resource.resourceType === 'DocumentReference');
    expect(documents).toHaveLength(1);
    const callValue = documents[0]!.identifier!.find((identifier) => identifier.system === callNoteIdentifierSystem)!.value!.replace(/\/v\d+$/, '');
    const task = read.find((resource): resource is Task => resource.resourceType === 'Task' && resource.identifier?.some((identifier) => identifier.system === callTaskIdentifierSystem && identifier.value === callValue) === true);
    const communication = read.find((resource): resource is Communication => resource.resourceType === 'Communication' && resource.identifier?.some((identifier) => identifier.system === callIdentifierSystem && identifier.value === callValue) === true);
    expect(task).toBeDefined();
    expect(communication).toBeDefined();
    // All three on the chart of the caller the nurse approved.
    expect(documents[0]!.subject?.reference).toMatch(/^Patient\//);
    expect(task!.for?.reference).toBe(documents[0]!.subject!.reference);
    expect(communication!.subject?.reference).toBe(documents[0]!.subject!.reference);
    const provenance = read.filter((resource): resource is Provenance => resource.resourceType === 'Provenance' && resource.target.some((target) => target.reference === `DocumentReference/${documents[0]!.id}`));
    expect(provenance.length).toBeGreaterThan(0);
    // Every Task the simulation made is there too (6 calls, one Task each).
    expect(read.filter((resource) => resource.resourceType === 'Task')).toHaveLength(6);

    // Without --json: the same call as a person reads it, with the approved note's text.
    const summary = await run(chartArgs);
    expect(summary.code).toBe(0);
    expect(summary.stdout).toContain(`call ${callValue}`);
    expect(summary.stdout).toMatch(/DocumentReference\s+current\/final/);
    const noteText = Buffer.from(documents[0]!.content[0]!.attachment.data ?? '', 'base64').toString('utf8');
    expect(noteText.trim()).not.toBe('');
    expect(summary.stdout).toContain(noteText.split('\n')[0]!);
    // One chart: the same call under its patient's id.
    const patientId = documents[0]!.subject!.reference!.split('/')[1]!;
    const onePatient = await run([...chartArgs, patientId]);
    expect(onePatient.stdout).toContain(`call ${callValue}`);
  });
});
