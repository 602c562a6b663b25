/**
 * The patient's booking pages (SC-1): plain server-rendered HTML, no script, one inline style
 * allowed by its hash (the CSP below). Pure: each function returns the page's HTML. Works at
 * 390 px (one column, large tap targets), labelled form fields, the language set, focusable errors.
 * Before the birth-date check a page shows the clinic's name and nothing about the patient.
 */
import { createHash } from 'node:crypto';

const style = `
*{box-sizing:border-box}
body{margin:0;font:17px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;background:#f6f7f9}
main{max-width:34rem;margin:0 auto;padding:1.25rem 1rem 3rem}
h1{font-size:1.4rem;line-height:1.3;margin:.5rem 0 1rem}
h2{font-size:1.05rem;margin:1.5rem 0 .5rem}
.clinic{font-weight:600;color:#36505f;margin:0}
.card{background:#fff;border:1px solid #d9dee3;border-radius:10px;padding:1rem;margin:1rem 0}
label{display:block;font-weight:600;margin-bottom:.35rem}
input[type=date]{width:100%;font-size:1.1rem;padding:.7rem;border:2px solid #5b6b78;border-radius:8px}
button,.button{display:block;width:100%;min-height:48px;margin:.9rem 0 0;padding:.75rem 1rem;font-size:1.05rem;font-weight:600;text-align:center;text-decoration:none;color:#fff;background:#1d5fa8;border:0;border-radius:8px;cursor:pointer}
.slots{list-style:none;margin:0;padding:0;display:grid;grid-template-columns:1fr 1fr;gap:.5rem}
.slots a{display:block;min-height:48px;padding:.7rem .5rem;text-align:center;text-decoration:none;font-weight:600;color:#1d5fa8;background:#fff;border:2px solid #1d5fa8;border-radius:8px}
.slots small{display:block;font-weight:400;color:#3d4a55}
.notice{border-left:5px solid #b3261e;background:#fdecea;padding:.75rem 1rem;border-radius:6px}
.ok{border-left:5px solid #1e7b34;background:#e9f6ec;padding:.75rem 1rem;border-radius:6px}
.secondary{color:#1d5fa8;background:#fff;border:2px solid #1d5fa8}
a{color:#1d5fa8}
.vh{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
`;

/** The style's CSP hash (`style-src 'sha256-…'`). */
const styleHash = `'sha256-${createHash('sha256').update(style).digest('base64')}'`;

/** The pages' own policy: nothing but this style; forms post only to the engine; never framed. */
export const bookingPageCsp = `default-src 'none'; style-src ${styleHash}; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`;

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

function page(clinicName: string, title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow"><link rel="icon" href="data:,"><title>${escapeHtml(title)} · ${escapeHtml(clinicName)}</title><style>${style}</style></head>
<body><main><p class="clinic">${escapeHtml(clinicName)}</p>${body}</main></body></html>`;
}

function callUs(clinicNumber: string | null): string {
  return clinicNumber ? `<p>To book by phone, call us at <a href="tel:${escapeHtml(clinicNumber)}">${escapeHtml(displayNumber(clinicNumber))}</a>.</p>` : '<p>To book, please call the clinic.</p>';
}

/** +16175550100 → (617) 555-0100; other numbers as given. */
export function displayNumber(e164: string): string {
  const match = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(e164);
  return match ? `(${match[1]}) ${match[2]}-${match[3]}` : e164;
}

export interface DobPageInput {
  clinicName: string;
  action: string;
  csrf: string;
  problem?: 'wrong' | 'unavailable' | 'invalid' | null;
  triesLeft?: number;
}

/** Step 1: the date of birth. Nothing about the patient or the call on it. */
export function birthDatePage(input: DobPageInput): string {
  const problem = input.problem === 'wrong'
    ? `<p class="notice" id="problem" role="alert" tabindex="-1">That date of birth does not match our records. ${input.triesLeft === 1 ? 'One more try before this link locks.' : `${input.triesLeft ?? ''} tries left.`}</p>`
    : input.problem === 'invalid'
      ? '<p class="notice" id="problem" role="alert" tabindex="-1">Please enter your date of birth.</p>'
      : input.problem === 'unavailable'
        ? '<p class="notice" id="problem" role="alert" tabindex="-1">We could not check that just now. Please try again in a minute.</p>'
        : '';
  return page(input.clinicName, 'Book an appointment', `<h1>Book an appointment</h1>
${problem}
<p>To keep your information safe, please confirm your date of birth first.</p>
<form class="card" method="post" action="${escapeHtml(input.action)}">
<input type="hidden" name="csrf" value="${escapeHtml(input.csrf)}">
<label for="birthDate">Date of birth</label>
<input id="birthDate" name="birthDate" type="date" required autocomplete="bday"${input.problem ? ' aria-describedby="problem"' : ''}>
<button type="submit">Continue</button>
</form>`);
}

export interface SlotChoice {
  id: string;
  start: string;
  practitionerName: string | null;
}

export interface SlotsPageInput {
  clinicName: string;
  clinicNumber: string | null;
  timeZone: string;
  /** Where a slot's link goes: `<pickBase>?slot=<id>`. */
  pickBase: string;
  slots: readonly SlotChoice[];
  notice?: 'slot-taken' | null;
}

const dayFormat = (timeZone: string) => new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'long', month: 'long', day: 'numeric' });
const timeFormat = (timeZone: string) => new Intl.DateTimeFormat('en-US', { timeZone, hour: 'numeric', minute: '2-digit' });

/** When, in the clinic's words and time zone: "Tuesday, December 8 at 9:30 AM". */
export function whenText(start: string, timeZone: string): string {
  return `${dayFormat(timeZone).format(new Date(start))} at ${timeFormat(timeZone).format(new Date(start))}`;
}

/** Step 2: free times by day; one tap picks one. */
export function slotsPage(input: SlotsPageInput): string {
  const notice = input.notice === 'slot-taken'
    ? '<p class="notice" role="alert" tabindex="-1" id="problem">That time was just taken. Please pick another.</p>'
    : '';
  if (input.slots.length === 0) {
    return page(input.clinicName, 'Choose a time', `<h1>Choose a time</h1>${notice}<p>There are no free times to book online right now.</p>${callUs(input.clinicNumber)}`);
  }
  const days = new Map<string, SlotChoice[]>();
  for (const slot of input.slots) {
    const day = dayFormat(input.timeZone).format(new Date(slot.start));
    days.set(day, [...(days.get(day) ?? []), slot]);
  }
  const sections = [...days].map(([day, slots]) => `<section aria-label="${escapeHtml(day)}"><h2>${escapeHtml(day)}</h2><ul class="slots">${slots.map((slot) => {
    const time = timeFormat(input.timeZone).format(new Date(slot.start));
    const who = slot.practitionerName ? ` <small>with ${escapeHtml(slot.practitionerName)}</small>` : '';
    // The day is said to screen readers inside the link (visible text stays part of the name).
    return `<li><a href="${escapeHtml(`${input.pickBase}?slot=${encodeURIComponent(slot.id)}`)}"><span class="vh">${escapeHtml(day)}, </span>${escapeHtml(time)}${who}</a></li>`;
  }).join('')}</ul></section>`).join('\n');
  return page(input.clinicName, 'Choose a time', `<h1>Choose a time</h1>${notice}<p>Tap a time to book it. You can check it before it is booked.</p>${sections}${callUs(input.clinicNumber)}`);
}

export interface ConfirmPageInput {
  clinicName: string;
  timeZone: string;
  action: string;
  back: string;
  csrf: string;
  slot: SlotChoice;
}

/** Step 3: confirm the time. */
export function confirmPage(input: ConfirmPageInput): string {
  return page(input.clinicName, 'Confirm your appointment', `<h1>Confirm your appointment</h1>
<div class="card"><p><strong>${escapeHtml(whenText(input.slot.start, input.timeZone))}</strong></p>${input.slot.practitionerName ? `<p>With ${escapeHtml(input.slot.practitionerName)}</p>` : ''}
<form method="post" action="${escapeHtml(input.action)}">
<input type="hidden" name="csrf" value="${escapeHtml(input.csrf)}">
<input type="hidden" name="slotId" value="${escapeHtml(input.slot.id)}">
<button type="submit">Book this time</button>
</form>
<a class="button secondary" href="${escapeHtml(input.back)}">Pick another time</a></div>`);
}

export interface BookedPageInput {
  clinicName: string;
  clinicNumber: string | null;
  timeZone: string;
  start: string | null;
  practitionerName: string | null;
}

/** Done: the booking, as often as the link is opened again (never a second booking). */
export function bookedPage(input: BookedPageInput): string {
  return page(input.clinicName, 'Your appointment is booked', `<h1>Your appointment is booked</h1>
<div class="ok" role="status"><p>${input.start ? `<strong>${escapeHtml(whenText(input.start, input.timeZone))}</strong>` : 'Your appointment is in our schedule.'}</p>${input.practitionerName ? `<p>With ${escapeHtml(input.practitionerName)}</p>` : ''}</div>
<p>To change or cancel it, call us${input.clinicNumber ? ` at <a href="tel:${escapeHtml(input.clinicNumber)}">${escapeHtml(displayNumber(input.clinicNumber))}</a>` : ''}.</p>`);
}

/** A booking still being confirmed by another tap: look again shortly. */
export function inProgressPage(input: { clinicName: string; again: string }): string {
  return page(input.clinicName, 'Booking…', `<h1>We are booking your time</h1><p>This takes a moment.</p><a class="button" href="${escapeHtml(input.again)}">See my appointment</a>`);
}

export type GoneReason = 'not-found' | 'expired' | 'locked' | 'superseded' | 'not-sent' | 'session';

const goneText: Record<GoneReason, { title: string; text: string }> = {
  'not-found': { title: 'This link does not work', text: 'We could not find this booking link. Please check that the whole link was opened.' },
  expired: { title: 'This link has expired', text: 'Booking links work for a limited time, and this one has expired.' },
  locked: { title: 'This link is locked', text: 'This link was locked after several dates of birth that did not match our records.' },
  superseded: { title: 'This link was replaced', text: 'We sent you a newer booking link. Please use the newest message from us.' },
  'not-sent': { title: 'This link does not work', text: 'This booking link was not sent successfully.' },
  session: { title: 'Please start again', text: 'For your safety, please open the link from our message again and confirm your date of birth.' },
};

/** A link that cannot be used: why, and the clinic's number. Nothing about the patient. */
export function gonePage(input: { clinicName: string; clinicNumber: string | null; reason: GoneReason }): string {
  const { title, text } = goneText[input.reason];
  return page(input.clinicName, title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p>${callUs(input.clinicNumber)}`);
}
