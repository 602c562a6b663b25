import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendKinds, openTestDb } from '../../test/helpers/backends.ts';
import type { Db } from '../store/db.ts';
import { linkTokenHash, newLinkToken } from './booking-link.ts';
import {
  claimBooking, findLinkByTokenHash, findLiveLinkForCall, insertLink, recordBooked, recordFailedBirthDate, releaseBookingClaim, supersedeLink,
} from './booking-link.repository.ts';

/** Booking links in real storage (migration 0036), both backends: one live link per call, the lock, the booking claim. Synthetic ids only. */
describe.each(backendKinds)('booking links (%s)', (kind) => {
  let db: Db;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ db, dispose } = await openTestDb(kind));
  }, 60_000);
  afterAll(async () => dispose?.());

  const now = new Date('2026-12-07T15:00:00Z');
  async function callWithLink() {
    const callId = randomUUID();
    await db.query(`insert into call (id, provider, provider_call_id, status, queue) values ($1, 'synthetic-pbx', $2, 'ended', 'demo')`, [callId, `booking-${callId}`]);
    const token = newLinkToken();
    const id = randomUUID();
    await db.transaction((tx) => insertLink(tx, { id, tokenHash: linkTokenHash(token), callId, patientId: 'pat-0001', queue: 'demo', sentBy: 'staff:test', createdAt: now, expiresAt: new Date(now.getTime() + 72 * 3_600_000) }));
    return { callId, id, token };
  }

  it('keeps one live link per call: a second needs the first superseded', async () => {
    const { callId, id, token } = await callWithLink();
    expect((await findLinkByTokenHash(db, linkTokenHash(token)))?.id).toBe(id);
    const second = { id: randomUUID(), tokenHash: linkTokenHash(newLinkToken()), callId, patientId: 'pat-0001', queue: 'demo', sentBy: 'staff:test', createdAt: now, expiresAt: now };
    await expect(db.transaction((tx) => insertLink(tx, second))).rejects.toThrow();
    await db.transaction(async (tx) => {
      await supersedeLink(tx, id, now);
      await insertLink(tx, second);
    });
    expect((await findLiveLinkForCall(db, callId))?.id).toBe(second.id);
    expect((await findLinkByTokenHash(db, linkTokenHash(token)))?.status).toBe('superseded');
  });

  it('locks after the configured wrong dates of birth', async () => {
    const { id } = await callWithLink();
    expect(await recordFailedBirthDate(db, id, 3)).toEqual({ failures: 1, locked: false });
    expect(await recordFailedBirthDate(db, id, 3)).toEqual({ failures: 2, locked: false });
    expect(await recordFailedBirthDate(db, id, 3)).toEqual({ failures: 3, locked: true });
    expect(await recordFailedBirthDate(db, id, 3)).toBeNull();
  });

  it('lets one request at a time book, and a link book once', async () => {
    const { id } = await callWithLink();
    await db.query(`update booking_link set status = 'verified' where id = $1`, [id]);
    const claims = await Promise.all([claimBooking(db, id, now, new Date(now.getTime() - 120_000)), claimBooking(db, id, now, new Date(now.getTime() - 120_000))]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    // A claim left by a process that died is taken over once it is stale.
    expect(await claimBooking(db, id, new Date(now.getTime() + 180_000), new Date(now.getTime() + 60_000))).toBe(true);
    expect(await recordBooked(db, id, { appointmentId: 'appt-1', slotId: 'slot-1', at: now })).toBe(true);
    expect(await recordBooked(db, id, { appointmentId: 'appt-2', slotId: 'slot-2', at: now })).toBe(false);
    await releaseBookingClaim(db, id);
    expect(await claimBooking(db, id, now, now)).toBe(false);
  });
});
