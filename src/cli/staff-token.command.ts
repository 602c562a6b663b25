import { issueStaffToken, staffRoles, type StaffRole } from '../auth/staff-token.ts';
import { readStoredSecret, staffTokenSecretSpec } from '../engine/secrets.ts';

/**
 * Issues a staff token for the live display, signed with the engine's staff token secret
 * (`CALLCHART_STAFF_TOKEN_SECRET`, else the data directory's trial secret). Until the clinic's
 * sign-in (OIDC) is wired, this is how a trial hands a person their role and queues.
 */
export async function runStaffToken(options: { role: string; user: string; queues: string[]; extensions: string[]; hours: number; dataDir: string }): Promise<void> {
  if (!(staffRoles as readonly string[]).includes(options.role)) {
    console.error(`Unknown role "${options.role}". Roles: ${staffRoles.join(', ')}.`);
    process.exit(2);
  }
  // An empty variable is unset (a blank line in an env file), not an empty secret.
  const secret = process.env[staffTokenSecretSpec.envVar] || readStoredSecret(options.dataDir, staffTokenSecretSpec.file);
  if (!secret) {
    console.error(`No staff token secret: set ${staffTokenSecretSpec.envVar}, or start the engine once with --data-dir ${options.dataDir}.`);
    process.exit(2);
  }
  const token = await issueStaffToken(
    Buffer.from(secret, 'base64'),
    { sub: options.user, role: options.role as StaffRole, queues: options.queues.length ? options.queues : ['*'], extensions: options.extensions },
    options.hours * 3600,
  );
  console.error(`Token for ${options.user} (${options.role}; queues ${options.queues.length ? options.queues.join(', ') : 'all'}), valid ${options.hours} h:`);
  console.log(token);
}
