/**
 * What each refusal means, in words: a person never sees a bare code (issue 14, item 8). Codes
 * not listed get a general sentence with the engine's own reason after it.
 */
const words: Record<string, string> = {
  NETWORK: 'Callchart is not answering. Check the connection; your work on this screen is kept.',
  SESSION_EXPIRED: 'You were signed out because nothing happened for a while. Sign in again.',
  STAFF_TOKEN_INVALID: 'Your sign-in has ended. Sign in again.',
  STAFF_TOKEN_MISSING: 'Sign in first.',
  ROLE_FORBIDDEN: 'Your role cannot do this. Ask a supervisor or your administrator if you need it.',
  QUEUE_FORBIDDEN: 'This belongs to a queue you do not work. Ask a supervisor to reassign it.',
  CSRF_INVALID: 'This page is out of date. Reload it and try again.',
  STEP_UP_REQUIRED: 'Confirm it is you first (password and a fresh code).',
  STEP_UP_FAILED: 'The password or the code is not right.',
  STEP_UP_UNAVAILABLE: 'This account cannot confirm with a password and code here.',
  SIGN_IN_FAILED: 'The user name or password is not right, or the account is locked for a while. Try again, or ask your administrator.',
  MFA_CODE_WRONG: 'That code is not right, or it was already used. Wait for the next code and try again.',
  SIGN_IN_PENDING_INVALID: 'That took too long. Start again with your user name and password.',
  RATE_LIMITED: 'Too many attempts from this computer. Wait a minute and try again.',
  PASSWORD_TOO_WEAK: 'Choose a longer password (at least 12 characters) that is not a common one and that you have not used here.',
  SSO_STATE_MISMATCH: 'That sign-in link has expired or was opened in another browser. Start again.',
  SSO_IDP_ERROR: 'Your identity provider did not complete the sign-in. Try again, or ask your administrator.',
  SSO_IDP_UNAVAILABLE: 'Your identity provider is not answering. Try again in a moment.',
  SSO_USER_UNKNOWN: 'Your identity provider signed you in, but you have no Callchart account. Ask your administrator to add you.',
  SSO_USER_DISABLED: 'Your Callchart account is disabled. Ask your administrator.',
  SSO_SUBJECT_MISMATCH: 'This Callchart account is linked to a different identity at your identity provider. Ask your administrator.',
  SSO_MFA_REQUIRED: 'Callchart needs a second factor (an authenticator app or security key) at your identity provider. Sign in again with it.',
  SSO_REAUTH_REQUIRED: 'Please sign in again at your identity provider to confirm it is you.',
  SSO_NOT_CONFIGURED: 'Sign-in with an identity provider is not set up here. Use your Callchart user name and password.',
  NOT_FOUND: 'This item is not there any more, or it is in a queue you do not work.',
  REVIEW_NOT_FOUND: 'This item is not there any more, or it is in a queue you do not work.',
  REVIEW_CONFLICT: 'Someone else changed this item while you had it open. Your view was refreshed; check it and try again.',
  REVIEW_VERSION_CONFLICT: 'Someone else changed this item while you had it open. Your view was refreshed; check it and try again.',
  REVIEW_ALREADY_DECIDED: 'This item was already approved or rejected.',
  REVIEW_PARTS_DISAGREE: 'The chart note says something the fields do not. Make them agree (or rebuild the note from the fields), then approve.',
  REVIEW_CHECKLIST_INCOMPLETE: 'Tick every line of the checklist before approving.',
  // Review (issue 14, item 3).
  REVIEW_NOT_PENDING: 'This item was already decided (approved or rejected), so it cannot be changed here.',
  REVIEW_VERSION_STALE: 'Someone else changed this item while you had it open. The newest version is shown now; check it and try again.',
  IDENTITY_UNVERIFIED: 'Confirm whose chart this is first: find and link the patient, or confirm one of the charts the number matched.',
  CONSENT_FORBIDS: 'The caller did not consent to this, so it cannot go to the chart.',
  RED_FLAG_NOT_RAISED: 'That red flag is not on this call any more. Reload the item.',
  PAYLOAD_INVALID: 'Some of what was entered is not valid. Check the fields and try again.',
  PATIENT_NOT_FOUND: 'The EHR has no chart with that id.',
  EHR_UNAVAILABLE: 'The EHR is not answering right now. Try again in a moment; nothing was lost.',
  VALIDATION_FAILED: 'Some of what was entered is not valid. Check the highlighted fields.',
  CONFIG_INVALID: 'The settings are not valid. Check the highlighted fields.',
  // Live calls (issue 14).
  CALLER_NOT_A_CANDIDATE: 'That chart is not one of the charts on this phone number. Look the caller up in the EHR instead.',
  DOB_CHECKS_EXHAUSTED: 'Too many dates of birth that did not match on this call. Verify the caller another way (call back on the number in the chart).',
  DASHBOARD_RANGE_INVALID: 'Those days are not a range: choose a first day on or before the last day.',
  DASHBOARD_RANGE_TOO_LONG: 'That range is too long. Choose 92 days or fewer.',
  SETTINGS_INVALID: 'These settings are not valid. Each problem is listed with the field it is in; fix them and check again.',
  SETTINGS_VERSION_STALE: 'Someone else saved these settings after you opened them. Start over from the version in force, make your change again, and check it.',
  SETTINGS_REASON_REQUIRED: 'Say why you are making this change before saving (a few words). Every settings change keeps its reason.',
  SETTINGS_SECTION_UNKNOWN: 'There is no such settings section.',
  STAFF_LAST_ADMIN: 'This would leave Callchart with no active administrator. Make someone else an administrator first.',
  STAFF_SELF_CHANGE: 'You cannot change your own role or disable your own account. Ask another administrator.',
  STAFF_USER_VERSION_STALE: 'Someone else changed this account after you opened it. Close this, look again, and make your change.',
  CALLBACK_CLOSED: 'This callback is already completed, closed or cancelled. Reload the list.',
  WRITE_BACK_IN_FLIGHT: 'This chart write is being sent to the EHR right now, so it can no longer be held back. Wait a moment: if it does not reach the EHR you can cancel it then.',
  WRITE_BACK_ALREADY_SENT: 'This chart write already reached the EHR, so it cannot be cancelled. Correct it in the EHR if it is wrong.',
};

export function inWords(code: string, engineReason?: string): string {
  const known = words[code];
  if (known) return known;
  return engineReason ? `That did not work: ${engineReason}.` : 'That did not work. Try again; if it keeps happening, tell your administrator.';
}
