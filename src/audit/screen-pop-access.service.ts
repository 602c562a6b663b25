import type { Db } from '../store/db.ts';
import { appendAuditEvent } from './audit.repository.ts';
import { phiViewedEvent, type CardShown } from './access-log.ts';

/**
 * Screen pops delivered, as the access log (AU-3): one `phi.viewed` per person, call and chart,
 * however often the card is re-sent (the chart arriving late, a transfer, a reconnect replaying
 * cards). A burst of ringing calls fans out to many displays, so the entries are written in
 * batches (one transaction every `flushMs`), not one commit per card per viewer.
 *
 * The "already logged" memory is this process's: after a restart a replayed card is logged again
 * (an extra entry, never a missing one).
 */
export class ScreenPopAccessRecorder {
  private readonly logged = new Map<string, true>();
  private pending: CardShown[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly options: { flushMs?: number; remember?: number; onError?: (error: unknown) => void } = {},
  ) {}

  /** The hub's `onCardShown`. */
  shown(card: CardShown): void {
    const key = `${card.user}\n${card.callId}\n${card.patientId ?? ''}`;
    if (this.logged.has(key)) return;
    this.logged.set(key, true);
    const remember = this.options.remember ?? 20_000;
    while (this.logged.size > remember) this.logged.delete(this.logged.keys().next().value!);
    this.pending.push(card);
    this.timer ??= setTimeout(() => void this.flush(), this.options.flushMs ?? 200);
  }

  /** Writes what is waiting (also on stop). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    this.flushing = this.flushing.then(async () => {
      if (batch.length === 0) return;
      await this.db.transaction(async (tx) => {
        for (const card of batch) {
          await appendAuditEvent(tx, phiViewedEvent({
            actor: `staff:${card.user}`, purpose: 'screen-pop', objectType: 'call', objectId: card.callId,
            patientId: card.patientId, otherPatientIds: card.otherPatientIds,
          }));
        }
      });
    }).catch((error: unknown) => this.options.onError?.(error));
    return this.flushing;
  }

  async stop(): Promise<void> {
    await this.flush();
  }
}
