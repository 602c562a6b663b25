import { recordAuditEvent } from '../audit/audit.repository.ts';
import type { StaffClaims } from '../auth/staff-token.ts';
import type { Db } from '../store/db.ts';
import type { LiveCallsHub } from './live-calls.hub.ts';

/** The session id a signed-in person's live display runs on (absent for kiosk and service tokens). */
function sessionIdOf(claims: StaffClaims): string | undefined {
  const sessionId = (claims as StaffClaims & { sessionId?: unknown }).sessionId;
  return typeof sessionId === 'string' && sessionId ? sessionId : undefined;
}

/**
 * Ends the live displays of sessions that ended (SE-2, SE-3). A WebSocket is checked once, at the
 * upgrade; after that nothing on it asks the store again. So every couple of seconds this asks the
 * store which of the open displays' sessions still stand (not revoked, not past their absolute
 * end, their person still active) and closes the others: a disabled person's screen goes dark
 * within one sweep, whichever engine process disabled them (the store is the one truth, so this
 * works across processes without a message bus). A store that does not answer ends nobody.
 */
export class LiveSessionWatch {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(private readonly options: { db: Db; hub: LiveCallsHub; now: () => Date; intervalMs?: number }) {}

  start(): void {
    this.timer = setInterval(() => void this.sweep().catch(() => 0), this.options.intervalMs ?? 2_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => 0);
  }

  /** One sweep; how many displays it ended. */
  sweep(): Promise<number> {
    this.running ??= this.sweepOnce().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async sweepOnce(): Promise<number> {
    const { db, hub } = this.options;
    const watched = [...new Set(hub.viewerClaims().map(sessionIdOf).filter((id): id is string => id !== undefined))];
    if (!watched.length) return 0;
    const { rows } = await db.query<{ id: string }>(
      `select s.id from staff_session s join staff_user u on u.id = s.user_id
        where s.id = any($1) and s.revoked_at is null and u.active and s.expires_at > $2`,
      [watched, this.options.now().toISOString()],
    );
    const standing = new Set(rows.map((row) => row.id));
    const ended: string[] = [];
    hub.endViewers((claims) => {
      const sessionId = sessionIdOf(claims);
      if (sessionId === undefined || standing.has(sessionId)) return false;
      ended.push(claims.sub);
      return true;
    }, 'session ended');
    for (const user of ended) {
      await recordAuditEvent(db, { actor: 'system', action: 'staff.live.dropped', objectType: 'websocket', objectId: user, outcome: 'success', reason: 'SESSION_ENDED' }).catch(() => undefined);
    }
    return ended.length;
  }
}
