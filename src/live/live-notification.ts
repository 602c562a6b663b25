import { z } from 'zod';

/**
 * What one engine process tells the others about the live display (issue 18, ADR 0026), as a
 * PostgreSQL NOTIFY on {@link liveChannel}. Ids and kinds only, never content: anyone who can
 * LISTEN on the database sees the payload, and PostgreSQL caps it at 8000 bytes. Each receiving
 * process loads what the kind names (the call row, or the sealed `live_view` row) and role-filters
 * it per viewer exactly as the process that published it does.
 */
export const liveChannel = 'callchart_live';

/** The live display's content kept in `live_view` (sealed), one row per call and kind. */
export const storedLiveKinds = ['screen-pop', 'understanding', 'transcript'] as const;
export type StoredLiveKind = (typeof storedLiveKinds)[number];

/**
 * `call`: the call row changed (its summary is in the store). `screen-pop`, `understanding`,
 * `transcript`: the `live_view` row of that kind changed to `version`. `transcript-ended`: the
 * live transcript is over (forget it); `transcript-removed`: consent was withdrawn (screens remove it).
 */
export const liveNotificationKinds = ['call', ...storedLiveKinds, 'transcript-ended', 'transcript-removed'] as const;
export type LiveNotificationKind = (typeof liveNotificationKinds)[number];

export const liveNotificationSchema = z
  .object({
    kind: z.enum(liveNotificationKinds),
    callId: z.string().min(1).max(128),
    /** The publishing process: it delivered locally already and ignores its own notifications. */
    origin: z.string().min(1).max(64),
    /** The `live_view` row version (stored kinds only). */
    version: z.number().int().positive().optional(),
  })
  .strict();
export type LiveNotification = z.infer<typeof liveNotificationSchema>;

/** A notification's payload, or null when it is not one of ours (logged by the caller as a code only). */
export function parseLiveNotification(payload: string | undefined): LiveNotification | null {
  if (!payload) return null;
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch {
    return null;
  }
  const parsed = liveNotificationSchema.safeParse(json);
  return parsed.success ? parsed.data : null;
}

/** How long before reconnecting a dropped LISTEN connection: doubling from `baseMs` to `maxMs`, with jitter. */
export function reconnectDelayMs(attempt: number, options: { baseMs: number; maxMs: number }, random: number): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(attempt, 20));
  // Half fixed, half random: processes that lost the same server do not all come back at once.
  return Math.round(ceiling / 2 + (ceiling / 2) * random);
}

/**
 * The fan-out a process runs for the `live.fanOut` setting and its store: `auto` is PostgreSQL's
 * LISTEN/NOTIFY on PostgreSQL and none on the embedded store (one process, nothing to cross).
 * Null: a setting the store cannot honour (`postgres` on the embedded store).
 */
export function resolveLiveFanOut(setting: 'auto' | 'postgres' | 'none', store: 'postgres' | 'pglite'): 'postgres' | 'none' | null {
  if (setting === 'auto') return store === 'postgres' ? 'postgres' : 'none';
  if (setting === 'postgres' && store !== 'postgres') return null;
  return setting;
}
