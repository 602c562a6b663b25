import { randomInt } from 'node:crypto';
import type { Db } from '../store/db.ts';
import { hashPassword } from './password.ts';
import { createStaffUser, findStaffUserByUserName, type Actor, type StaffUser } from './staff-directory.repository.ts';
import type { StaffRole } from './staff-token.ts';

/**
 * Local accounts for people who sign in with a password and an authenticator (SE-3): the first
 * admin of a clinic (`callchart users add`), the demo's accounts. An account starts with a random
 * initial password, shown once to whoever created it; the authenticator app is enrolled at the
 * first sign-in, so nobody but the person ever sees its secret.
 */
const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** 4 groups of 5 (about 115 bits): typed once, then the person's own. */
export function newInitialPassword(): string {
  return Array.from({ length: 4 }, () => Array.from({ length: 5 }, () => alphabet[randomInt(alphabet.length)]).join('')).join('-');
}

export interface NewLocalStaff {
  userName: string;
  role: StaffRole;
  queues?: readonly string[];
  displayName?: string | null;
  email?: string | null;
  /** Default: a new random initial password. */
  password?: string;
}

export async function addLocalStaff(db: Db, person: NewLocalStaff, actor: Actor): Promise<{ user: StaffUser; initialPassword: string }> {
  const initialPassword = person.password ?? newInitialPassword();
  const user = await createStaffUser(db, {
    userName: person.userName, role: person.role, queues: person.queues ?? [], displayName: person.displayName ?? null, email: person.email ?? null,
    passwordHash: await hashPassword(initialPassword),
  }, actor);
  return { user, initialPassword };
}

/** The demo's people, one per kind of work; created once per data directory. */
export const demoAccounts = [
  { userName: 'frontdesk', role: 'intake', displayName: 'Front desk (demo)' },
  { userName: 'nurse', role: 'nurse', displayName: 'Nurse (demo)' },
  { userName: 'clinician', role: 'clinician', displayName: 'Clinician (demo)' },
  { userName: 'supervisor', role: 'supervisor', displayName: 'Supervisor (demo)' },
  { userName: 'analyst', role: 'analyst', displayName: 'Analyst (demo)' },
  { userName: 'admin', role: 'admin', displayName: 'Administrator (demo)' },
  { userName: 'auditor', role: 'auditor', displayName: 'Auditor (demo)' },
] as const satisfies readonly { userName: string; role: StaffRole; displayName: string }[];

/**
 * Creates the demo accounts that do not exist yet, with the given passwords (kept by the demo in
 * its data directory, so every run can print them). Returns the user names created.
 */
export async function ensureDemoAccounts(db: Db, passwordFor: (userName: string) => string): Promise<string[]> {
  const created: string[] = [];
  for (const account of demoAccounts) {
    if (await findStaffUserByUserName(db, account.userName)) continue;
    await addLocalStaff(db, { ...account, queues: ['*'], password: passwordFor(account.userName) }, 'system:demo');
    created.push(account.userName);
  }
  return created;
}
