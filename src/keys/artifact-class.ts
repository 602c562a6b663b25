/**
 * What a data key seals: one key per tenant, artifact class and UTC day, so retention can destroy
 * one day of one class (crypto-shredding). The first eight are the retention classes every helper
 * shares; `staff-credential` (TOTP secrets) is never purged by retention.
 */
export const contentArtifactClasses = ['audio', 'transcript', 'redacted-transcript', 'summary', 'draft-version', 'identity-evidence', 'call-metadata', 'audit'] as const;
export const artifactClasses = [...contentArtifactClasses, 'staff-credential'] as const;
export type ArtifactClass = (typeof artifactClasses)[number];

/** The classes the engine seals today, prepared ahead for each day (see Keyring.prepare). */
export const sealedClasses: readonly ArtifactClass[] = ['transcript', 'summary', 'draft-version', 'identity-evidence'];

/** The UTC day a moment falls in, as the `bucket` column holds it (YYYY-MM-DD). */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}
