import { generate, generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';

/**
 * TOTP second factor (SE-3, RFC 6238 through otplib): 6 digits, 30 s steps, SHA-1 — what every
 * authenticator app reads from the QR code. A code from the step before or after is accepted
 * (clock drift of a phone), and each step is good once: the step of the last accepted code is
 * stored and anything at or before it is refused, so a code seen over a shoulder cannot be replayed.
 */
const periodSeconds = 30;
const toleranceSeconds = periodSeconds;

/** A new 160-bit secret (base32), as authenticator apps expect. */
export function newTotpSecret(): string {
  return generateSecret({ length: 20 });
}

/** The otpauth:// URI an authenticator app reads, and the same as a QR code (data URL and SVG). */
export async function totpEnrolment(secret: string, account: { issuer: string; label: string }): Promise<{ uri: string; qrDataUrl: string; qrSvg: string }> {
  const uri = generateURI({ issuer: account.issuer, label: account.label, secret });
  const [qrDataUrl, qrSvg] = await Promise.all([QRCode.toDataURL(uri, { errorCorrectionLevel: 'M' }), QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M' })]);
  return { uri, qrDataUrl, qrSvg };
}

/**
 * The time step a code is good for, or null when it is wrong, malformed, or not newer than
 * `afterStep` (already used).
 */
export async function checkTotpCode(secret: string, code: string, now: Date, afterStep: number | null): Promise<number | null> {
  if (!/^\d{6}$/.test(code)) return null;
  try {
    const epoch = Math.floor(now.getTime() / 1000);
    const result = await verify({ secret, token: code, epoch, epochTolerance: toleranceSeconds, ...(afterStep !== null ? { afterTimeStep: afterStep } : {}) });
    // The step the code matched: the current one moved by the drift otplib reports.
    return result.valid ? Math.floor(epoch / periodSeconds) + result.delta : null;
  } catch {
    return null;
  }
}

/** The current code (tests and the demo's printed instructions only). */
export function currentTotpCode(secret: string, now = new Date()): Promise<string> {
  return generate({ secret, epoch: Math.floor(now.getTime() / 1000) });
}
