import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

/** How the caller's number was presented by the network. */
export type CallerNumber =
  | { presentation: 'number'; e164: string }
  | { presentation: 'blocked' }
  | { presentation: 'invalid' };

// What PBXs put in the ANI when the caller withheld it (CLIR) or the network had none.
const withheldMarkers = new Set(['', 'anonymous', 'restricted', 'private', 'unknown', 'unavailable', 'blocked', 'withheld']);

/**
 * ANI → E.164 (ID-1). Any national or international format is accepted; withheld numbers are
 * `blocked`; anything libphonenumber cannot make a valid number of is `invalid` (never guessed).
 */
export function normalizeCallerNumber(ani: string, defaultRegion: CountryCode = 'US'): CallerNumber {
  const trimmed = ani.trim();
  if (withheldMarkers.has(trimmed.toLowerCase()) || /^\+?0*$/.test(trimmed)) return { presentation: 'blocked' };
  // SIP URIs: sip:+16175550142@pbx.example → the user part
  const user = trimmed.replace(/^(sips?|tel):/i, '').replace(/@.*$/, '');
  const parsed = parsePhoneNumberFromString(user, defaultRegion);
  if (!parsed || !parsed.isValid()) return { presentation: 'invalid' };
  return { presentation: 'number', e164: parsed.number };
}
