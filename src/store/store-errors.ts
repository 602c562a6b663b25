/**
 * What a failed write tells the sender to do. PostgreSQL and PGlite both report a SQLSTATE in
 * `code`; the pg driver adds Node socket errors and a few plain messages of its own.
 * - `data`: the store refused a value (class 22 data exception, 23 integrity, 54 program limit,
 *   e.g. jsonb nested too deep). Sending the same bytes again fails the same way: permanent.
 * - `unavailable`: the store cannot answer now (08 connection, 53 resources, 57 operator
 *   intervention, 58 system, 40 serialization/deadlock, lock not available, a unique violation
 *   from a concurrent twin the retry will see as a duplicate, a dropped socket): retry later.
 * - `unknown`: anything else (a fault in our own code). Not the sender's fault: not a 4xx.
 */
export type StoreErrorClass = 'data' | 'unavailable' | 'unknown';

const sqlstate = /^[0-9A-Z]{5}$/;
const socketCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
// Messages the pg pool and PGlite throw without a code when the connection is gone.
const goneMessages = /connection terminated|timeout exceeded when trying to connect|cannot use a pool after calling end|client has encountered a connection error|pglite is closed/i;

export function classifyStoreError(error: unknown): StoreErrorClass {
  const { code, message } = (typeof error === 'object' && error !== null ? error : {}) as { code?: unknown; message?: unknown };
  // The store adapter already said so (db.ts maps a lost connection to STORE_UNAVAILABLE).
  if (code === 'STORE_UNAVAILABLE') return 'unavailable';
  if (typeof code === 'string' && sqlstate.test(code)) {
    if (code === '23505' || code === '55P03') return 'unavailable';
    const errorClass = code.slice(0, 2);
    if (errorClass === '22' || errorClass === '23' || errorClass === '54') return 'data';
    if (['08', '40', '53', '57', '58', 'XX'].includes(errorClass)) return 'unavailable';
    return 'unknown';
  }
  if (typeof code === 'string' && socketCodes.has(code)) return 'unavailable';
  if (typeof message === 'string' && goneMessages.test(message)) return 'unavailable';
  return 'unknown';
}

/** The SQLSTATE of a store error, if it has one: safe to log (a code, never a value). */
export function sqlstateOf(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && sqlstate.test(code) ? code : null;
}
