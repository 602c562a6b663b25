import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAuditEvents } from '../src/audit/audit.repository.ts';
import { findStaffUserById } from '../src/auth/staff-directory.repository.ts';
import { configSchema } from '../src/config/config.schema.ts';
import { startSandboxEhr, type SandboxEhr } from '../src/sandbox-ehr/sandbox-ehr.server.ts';
import { backendKinds } from './helpers/backends.ts';
import { eventually, startHarness, type Harness } from './helpers/engine-harness.ts';
import { signUpAndSignIn } from './helpers/staff-session.ts';

/**
 * SCIM 2.0 provisioning (issue 13, SE-2/SE-4) over real sockets, on PostgreSQL and PGlite, with the
 * requests Okta and Entra ID send: an identity provider creates people, finds them by filter, puts
 * them in groups that give a role or a queue, and deactivates them, which ends their sessions at
 * once. All names are synthetic.
 */

const scimToken = `scim_${randomBytes(32).toString('base64url')}`;
const scimType = 'application/scim+json';
const patchOp = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const staffExtension = 'urn:ietf:params:scim:schemas:extension:callchart:2.0:Staff';
// Synthetic canaries: neither may appear in the audit log (field names only, never values).
const canaryName = 'Zephyrine Quillfeather (synthetic)';
const canaryEmail = 'zq.canary@clinic.example';

let ehr: SandboxEhr;
beforeAll(async () => {
  ehr = await startSandboxEhr({ port: 0 });
});
afterAll(async () => ehr.close());

describe.each(backendKinds)('SCIM provisioning (%s)', (kind) => {
  let harness: Harness;
  beforeAll(async () => {
    const config = configSchema.parse({
      scim: { groups: { 'Callchart Supervisors': { role: 'supervisor' }, 'Callchart Nurses': { role: 'nurse' }, 'Triage queue': { queue: 'nurse-triage' } } },
    });
    harness = await startHarness(kind, { ehr, scimToken, config: { scim: config.scim } });
  });
  afterAll(async () => harness?.close());

  async function scim(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(`${harness.engine.url}/scim/v2${path}`, {
      method,
      headers: { authorization: `Bearer ${scimToken}`, ...(body !== undefined ? { 'content-type': scimType } : {}), ...headers },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- SCIM answers are read as the wire JSON they are
    return { status: response.status, body: (text ? JSON.parse(text) : null) as Record<string, any>, headers: response.headers };
  }
  const audit = () => listAuditEvents(harness.engine.db, { limit: 100_000 });
  async function openSession(userId: string): Promise<string> {
    const id = randomBytes(32).toString('hex');
    await harness.engine.db.query(
      `insert into staff_session (id, user_id, auth_method, created_at, last_seen_at, expires_at) values ($1, $2, 'sso', now(), now(), now() + interval '1 hour')`,
      [id, userId],
    );
    return id;
  }
  const sessionRevoked = async (id: string) => (await harness.engine.db.query<{ revoked_at: Date | null }>('select revoked_at from staff_session where id = $1', [id])).rows[0]?.revoked_at !== null;
  const oktaUser = (userName: string, externalId: string, extra: Record<string, unknown> = {}) => ({
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName, externalId, name: { givenName: 'Kim', familyName: 'Lee' },
    emails: [{ primary: true, value: `${userName}`, type: 'work' }], displayName: 'Kim Lee (synthetic)', locale: 'en-US', active: true, groups: [], ...extra,
  });

  it('serves the discovery documents as application/scim+json', async () => {
    const config = await scim('GET', '/ServiceProviderConfig');
    expect(config.status).toBe(200);
    expect(config.headers.get('content-type')).toContain(scimType);
    expect(config.body.patch.supported).toBe(true);
    expect(config.body.filter.supported).toBe(true);
    expect((await scim('GET', '/ResourceTypes')).body.Resources.map((type: { id: string }) => type.id)).toEqual(['User', 'Group']);
    expect((await scim('GET', '/Schemas')).body.totalResults).toBe(3);
  });

  it('creates a person (Okta\'s POST), finds them by userName without case and by externalId, pages, and refuses a second with the same userName', async () => {
    const created = await scim('POST', '/Users', oktaUser('Kim.Lee@Clinic.example', `okta-${kind}-1`));
    expect(created.status).toBe(201);
    expect(created.body.userName).toBe('kim.lee@clinic.example');
    expect(created.body[staffExtension]).toEqual({ role: 'intake', queues: [] });
    expect(created.headers.get('etag')).toBe(created.body.meta.version);
    expect(created.headers.get('location')).toBe(`/scim/v2/Users/${created.body.id}`);

    const byName = await scim('GET', `/Users?filter=${encodeURIComponent('userName eq "KIM.LEE@clinic.example"')}`);
    expect(byName.body).toMatchObject({ totalResults: 1, startIndex: 1, itemsPerPage: 1 });
    expect(byName.body.Resources[0].id).toBe(created.body.id);
    const byExternal = await scim('GET', `/Users?filter=${encodeURIComponent(`externalId eq "okta-${kind}-1" and active eq true`)}`);
    expect(byExternal.body.Resources.map((user: { id: string }) => user.id)).toEqual([created.body.id]);
    expect((await scim('GET', `/Users?filter=${encodeURIComponent('userName eq "nobody@clinic.example"')}`)).body).toMatchObject({ totalResults: 0, Resources: [] });

    await scim('POST', '/Users', oktaUser('second@clinic.example', `okta-${kind}-2`));
    const page = await scim('GET', '/Users?startIndex=2&count=1');
    expect(page.body).toMatchObject({ totalResults: 2, startIndex: 2, itemsPerPage: 1 });
    expect(page.body.Resources[0].userName).toBe('second@clinic.example');

    const duplicate = await scim('POST', '/Users', oktaUser('kim.lee@clinic.example', `okta-${kind}-3`));
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.scimType).toBe('uniqueness');
  });

  it('gives a role and queues by group membership, and takes them away again', async () => {
    const person = (await scim('POST', '/Users', oktaUser('nurse.park@clinic.example', `okta-${kind}-nurse`))).body;
    const nurses = await scim('POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Callchart Nurses', members: [{ value: person.id, display: 'x' }] });
    expect(nurses.status).toBe(201);
    const triage = (await scim('POST', '/Groups', { displayName: 'Triage queue', members: [] })).body;
    expect((await findStaffUserById(harness.engine.db, person.id))).toMatchObject({ role: 'nurse', queues: [] });

    // Okta adds a member with an add on members; Entra ID asks whether it is one with a filter.
    const added = await scim('PATCH', `/Groups/${triage.id}`, { schemas: [patchOp], Operations: [{ op: 'add', path: 'members', value: [{ value: person.id }] }] });
    expect(added.status).toBe(200);
    expect((await findStaffUserById(harness.engine.db, person.id))).toMatchObject({ role: 'nurse', queues: ['nurse-triage'] });
    const member = await scim('GET', `/Groups?filter=${encodeURIComponent(`id eq "${triage.id}" and members[value eq "${person.id}"]`)}&excludedAttributes=members`);
    expect(member.body.totalResults).toBe(1);
    expect(member.body.Resources[0].members).toBeUndefined();
    const seen = await scim('GET', `/Users/${person.id}`);
    expect(seen.body[staffExtension]).toEqual({ role: 'nurse', queues: ['nurse-triage'] });
    expect(seen.body.groups.map((group: { display: string }) => group.display).sort()).toEqual(['Callchart Nurses', 'Triage queue']);

    // Entra ID removes with a value-filtered path; the role falls back to the default (intake, no queues).
    await scim('PATCH', `/Groups/${triage.id}`, { schemas: [patchOp], Operations: [{ op: 'Remove', path: `members[value eq "${person.id}"]` }] });
    await scim('PATCH', `/Groups/${nurses.body.id}`, { schemas: [patchOp], Operations: [{ op: 'remove', path: 'members', value: [{ value: person.id }] }] });
    expect((await findStaffUserById(harness.engine.db, person.id))).toMatchObject({ role: 'intake', queues: [] });

    // Renaming a group to one the config maps gives its members that role; deleting it takes it away.
    const renamed = await scim('PATCH', `/Groups/${nurses.body.id}`, { schemas: [patchOp], Operations: [
      { op: 'add', path: 'members', value: [{ value: person.id }] },
      { op: 'replace', value: { id: nurses.body.id, displayName: 'Callchart Supervisors' } },
    ] });
    expect(renamed.body.displayName).toBe('Callchart Supervisors');
    expect((await findStaffUserById(harness.engine.db, person.id))?.role).toBe('supervisor');
    expect((await scim('DELETE', `/Groups/${nurses.body.id}`)).status).toBe(204);
    expect((await findStaffUserById(harness.engine.db, person.id))?.role).toBe('intake');

    const events = await eventually(async () => {
      const all = await audit();
      return all.some((event) => event.action === 'scim.group.deleted') ? all : null;
    }, 10_000, 'the group changes in the audit log');
    const roleChanges = events.filter((event) => event.action === 'staff.user.changed' && event.objectId === person.id);
    expect(roleChanges.length).toBeGreaterThanOrEqual(4);
    expect(roleChanges.every((event) => event.actor === 'scim' && Array.isArray(event.detail.fields))).toBe(true);
    expect(events.some((event) => event.action === 'scim.group.changed' && event.detail.membersAdded === 1)).toBe(true);
  });

  it('deactivates a person (Entra ID\'s "False", Okta\'s path-less replace): every session ends in the same request, and reactivates', async () => {
    const person = (await scim('POST', '/Users', oktaUser('leaver@clinic.example', `okta-${kind}-leaver`, { displayName: canaryName, emails: [{ value: canaryEmail, primary: true }] }))).body;
    const sessions = [await openSession(person.id), await openSession(person.id)];
    const deactivated = await scim('PATCH', `/Users/${person.id}`, { schemas: [patchOp], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] });
    expect(deactivated.status).toBe(200);
    expect(deactivated.body.active).toBe(false);
    // Right after the answer, not eventually: the revocation committed with the deactivation.
    for (const session of sessions) expect(await sessionRevoked(session)).toBe(true);

    const reactivated = await scim('PATCH', `/Users/${person.id}`, { schemas: [patchOp], Operations: [{ op: 'replace', value: { active: true } }] });
    expect(reactivated.body.active).toBe(true);
    const renamed = await scim('PATCH', `/Users/${person.id}`, { schemas: [patchOp], Operations: [{ op: 'replace', path: 'emails[type eq "work"].value', value: 'leaver.2@clinic.example' }] });
    expect(renamed.body.emails).toEqual([{ value: 'leaver.2@clinic.example', primary: true, type: 'work' }]);

    // DELETE disables by default (scim.onDelete: disable): the person stays, for the audit trail.
    const third = await openSession(person.id);
    expect((await scim('DELETE', `/Users/${person.id}`)).status).toBe(204);
    expect(await sessionRevoked(third)).toBe(true);
    expect((await scim('GET', `/Users/${person.id}`)).body.active).toBe(false);

    const events = await eventually(async () => {
      const all = (await audit()).filter((event) => event.objectId === person.id);
      return all.filter((event) => event.action === 'staff.user.disabled').length === 2 ? all : null;
    }, 10_000, 'two disablings in the audit log');
    expect(events.map((event) => event.action)).toEqual(expect.arrayContaining(['staff.user.created', 'staff.user.disabled', 'staff.sessions.revoked', 'staff.user.enabled', 'staff.user.changed']));
    expect(events.find((event) => event.action === 'staff.user.changed')?.detail.fields).toEqual(['email']);
    // Names and addresses of staff are in the directory only: not in the audit log, not in the logs.
    const text = JSON.stringify(await audit());
    expect(text).not.toContain(canaryName);
    expect(text).not.toContain(canaryEmail);
    expect(harness.logs.text).not.toContain(canaryName);
    expect(harness.logs.text).not.toContain(canaryEmail);
  });

  it('keeps every person\'s role and queues right when the IdP sends membership changes in parallel', async () => {
    const people = await Promise.all(Array.from({ length: 6 }, (_, index) => scim('POST', '/Users', oktaUser(`parallel.${index}@clinic.example`, `okta-${kind}-p${index}`))));
    expect(people.map((person) => person.status)).toEqual(people.map(() => 201));
    const nurses = (await scim('GET', `/Groups?filter=${encodeURIComponent('displayName eq "callchart nurses"')}`)).body.Resources[0]?.id
      ?? (await scim('POST', '/Groups', { displayName: 'Callchart Nurses' })).body.id;
    const triage = (await scim('GET', `/Groups?filter=${encodeURIComponent('displayName eq "Triage queue"')}`)).body.Resources[0]?.id
      ?? (await scim('POST', '/Groups', { displayName: 'Triage queue' })).body.id;
    // Each person joins both groups at once, as Entra ID sends them: one request per membership.
    const answers = await Promise.all(people.flatMap((person) => [nurses, triage].map((group) =>
      scim('PATCH', `/Groups/${group}`, { schemas: [patchOp], Operations: [{ op: 'Add', path: 'members', value: [{ value: person.body.id }] }] }))));
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));
    for (const person of people) {
      expect(await findStaffUserById(harness.engine.db, person.body.id)).toMatchObject({ role: 'nurse', queues: ['nurse-triage'] });
    }
  });

  it('a signed-in person\'s next request follows their groups, and is refused right after the IdP deactivates them', async () => {
    const person = await signUpAndSignIn(harness.engine, { role: 'nurse', queues: ['*'] });
    expect((await person.fetch('GET', '/api/review')).status).toBe(200);
    expect((await person.fetch('GET', '/api/policy')).status).toBe(403);
    const supervisors = (await scim('POST', '/Groups', { displayName: 'Callchart Supervisors', members: [{ value: person.user.id }] })).body;
    // The role lives in the directory, read on every request: no new sign-in needed, none allowed to lag.
    expect((await person.fetch('GET', '/api/policy')).status).toBe(200);
    await scim('PATCH', `/Groups/${supervisors.id}`, { schemas: [patchOp], Operations: [{ op: 'remove', path: `members[value eq "${person.user.id}"]` }] });
    expect((await person.fetch('GET', '/api/review')).status).toBe(403);
    expect((await person.fetch('GET', '/auth/me')).status).toBe(200);

    const deactivated = await scim('PATCH', `/Users/${person.user.id}`, { schemas: [patchOp], Operations: [{ op: 'replace', value: { active: false } }] });
    expect(deactivated.status).toBe(200);
    const refused = await person.fetch('GET', '/auth/me');
    expect(refused.status).toBe(401);
    expect((await person.fetch('GET', '/api/calls')).status).toBe(401);
    await scim('DELETE', `/Groups/${supervisors.id}`);
  });

  it('PUT replaces what Callchart keeps; a stale If-Match is 412 and changes nothing', async () => {
    const person = await scim('POST', '/Users', oktaUser('put.me@clinic.example', `okta-${kind}-put`));
    const stale = await scim('PUT', `/Users/${person.body.id}`, oktaUser('put.me@clinic.example', `okta-${kind}-put`, { displayName: 'Other (synthetic)' }), { 'if-match': 'W/"999"' });
    expect(stale.status).toBe(412);
    const replaced = await scim('PUT', `/Users/${person.body.id}`, oktaUser('put.me@clinic.example', `okta-${kind}-put`, { displayName: 'Other (synthetic)' }), { 'if-match': person.headers.get('etag')! });
    expect(replaced.status).toBe(200);
    expect(replaced.body.displayName).toBe('Other (synthetic)');
    expect(replaced.body.meta.version).not.toBe(person.body.meta.version);
  });

  it('answers bad requests with SCIM errors and their scimType, each audited', async () => {
    const person = (await scim('POST', '/Users', oktaUser('bad.requests@clinic.example', `okta-${kind}-bad`))).body;
    const badFilter = await scim('GET', `/Users?filter=${encodeURIComponent('userName co "kim"')}`);
    expect(badFilter.status).toBe(400);
    expect(badFilter.body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '400', scimType: 'invalidFilter' });
    expect((await scim('GET', `/Users?filter=${encodeURIComponent('shoeSize eq "42"')}`)).body.scimType).toBe('invalidFilter');
    const unknownAttribute = await scim('POST', '/Users', { ...oktaUser('x@clinic.example', 'x'), shoeSize: 42 });
    expect(unknownAttribute.status).toBe(400);
    expect(unknownAttribute.body.scimType).toBe('invalidSyntax');
    expect(unknownAttribute.body.detail).toContain('shoeSize');
    const unknownPath = await scim('PATCH', `/Users/${person.id}`, { schemas: [patchOp], Operations: [{ op: 'replace', path: 'shoeSize', value: 42 }] });
    expect(unknownPath.body.scimType).toBe('invalidPath');
    expect((await scim('POST', '/Users', '{"userName": ')).status).toBe(400);
    expect((await scim('GET', '/Users/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await scim('GET', '/Users/not-a-uuid')).status).toBe(404);
    const nonMember = await scim('POST', '/Groups', { displayName: `Ghosts ${kind}`, members: [{ value: '00000000-0000-4000-8000-000000000000' }] });
    expect(nonMember.body.scimType).toBe('invalidValue');

    const oversized = await scim('POST', '/Users', oktaUser('big@clinic.example', 'big', { displayName: 'x'.repeat(300 * 1024) }));
    expect(oversized.status).toBe(413);

    await eventually(async () => {
      const reasons = new Set((await audit()).filter((event) => event.action === 'scim.request.rejected').map((event) => event.reason));
      return ['SCIM_INVALID_FILTER', 'SCIM_INVALID_SYNTAX', 'SCIM_INVALID_PATH', 'SCIM_INVALID_VALUE', 'NOT_FOUND', 'PAYLOAD_TOO_LARGE'].every((reason) => reasons.has(reason)) || null;
    }, 10_000, 'every SCIM refusal in the audit log');
  });

  it('refuses a missing or wrong bearer (401, audited) before reading the body; a staff token is not a SCIM token, nor the other way round', async () => {
    const missing = await fetch(`${harness.engine.url}/scim/v2/Users`, { method: 'POST', headers: { 'content-type': scimType }, body: '{"junk": ' });
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toContain('Bearer');
    expect(((await missing.json()) as { detail: string }).detail).toContain('SCIM_TOKEN_MISSING');
    const wrong = await fetch(`${harness.engine.url}/scim/v2/Users`, { headers: { authorization: `Bearer ${scimToken}x` } });
    expect(wrong.status).toBe(401);
    const staffToken = await fetch(`${harness.engine.url}/scim/v2/Users`, { headers: { authorization: `Bearer ${await harness.token('admin')}` } });
    expect(staffToken.status).toBe(401);
    expect(await staffToken.text()).toContain('SCIM_TOKEN_INVALID');
    const scimOnStaff = await fetch(`${harness.engine.url}/api/admin/users`, { headers: { authorization: `Bearer ${scimToken}` } });
    expect(scimOnStaff.status).toBe(401);
    await eventually(async () => {
      const reasons = new Set((await audit()).filter((event) => event.action === 'scim.request.rejected').map((event) => event.reason));
      return (reasons.has('SCIM_TOKEN_MISSING') && reasons.has('SCIM_TOKEN_INVALID')) || null;
    }, 10_000, 'the bearer refusals in the audit log');
  });
});

describe('SCIM without a token configured', () => {
  it('refuses every SCIM request (a check that cannot verify refuses), whatever bearer is sent', async () => {
    const harness = await startHarness('pglite', { ehr });
    try {
      for (const path of ['/ServiceProviderConfig', '/Users', '/Groups']) {
        for (const authorization of [undefined, 'Bearer ', `Bearer ${scimToken}`]) {
          const answer = await fetch(`${harness.engine.url}/scim/v2${path}`, { headers: authorization ? { authorization } : {} });
          expect(answer.status, `${path} with ${authorization ? 'a bearer' : 'none'}`).toBe(403);
          expect(await answer.text()).toContain('SCIM_NOT_CONFIGURED');
        }
      }
    } finally {
      await harness.close();
    }
  });
});
