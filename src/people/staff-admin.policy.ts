import type { StaffRole } from '../auth/staff-token.ts';
import type { ErrorCode } from '../lib/errors.ts';

/**
 * The rules an admin's change to a staff account must keep (SE-2). Pure: the caller counts the
 * other active admins inside the transaction that makes the change (under a lock, so two admins
 * demoting each other at once cannot both pass).
 *
 * - Nobody changes their own role or disables themselves: privilege changes need a second person,
 *   and an admin cannot lock themselves out by a slip.
 * - The last active admin cannot be disabled or given another role: nobody could manage people
 *   (or undo the mistake) afterwards.
 */
export interface AdminChange {
  /** The staff id of the admin making the change (`sub`). */
  actorId: string;
  target: { id: string; role: StaffRole; active: boolean };
  /** The role after the change (undefined: unchanged). */
  role?: StaffRole | undefined;
  /** Whether the account is active after the change (undefined: unchanged). */
  active?: boolean | undefined;
  /** Active admins other than the target. */
  otherActiveAdmins: number;
}

export function adminChangeRefusal(change: AdminChange): { code: ErrorCode; message: string } | null {
  const changesRole = change.role !== undefined && change.role !== change.target.role;
  const disables = change.active === false && change.target.active;
  if (change.actorId === change.target.id && (changesRole || disables)) {
    return { code: 'STAFF_SELF_CHANGE', message: changesRole ? 'you cannot change your own role: ask another admin' : 'you cannot disable yourself: ask another admin' };
  }
  const wasActiveAdmin = change.target.role === 'admin' && change.target.active;
  const staysActiveAdmin = (change.role ?? change.target.role) === 'admin' && (change.active ?? change.target.active);
  if (wasActiveAdmin && !staysActiveAdmin && change.otherActiveAdmins === 0) {
    return { code: 'STAFF_LAST_ADMIN', message: 'this is the last active admin: make someone else admin first' };
  }
  return null;
}
