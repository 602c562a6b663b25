/**
 * HL7 v2 encoding rules for values we put into a message (v2.5.1 §2.7): delimiters inside a value
 * become escape sequences, and control characters become hex escapes. @medplum/core's Hl7Field
 * neither escapes nor unescapes, so every free-text value passes through here first.
 */

/** The standard encoding characters (MSH-1, MSH-2). We always send these, never custom ones. */
export const Hl7Delimiters = {
  field: '|',
  component: '^',
  repetition: '~',
  escape: '\\',
  subcomponent: '&',
} as const;

const namedEscapes: Record<string, string> = {
  [Hl7Delimiters.field]: '\\F\\',
  [Hl7Delimiters.component]: '\\S\\',
  [Hl7Delimiters.subcomponent]: '\\T\\',
  [Hl7Delimiters.repetition]: '\\R\\',
  [Hl7Delimiters.escape]: '\\E\\',
};

/**
 * Escapes one value for a field, component or subcomponent. Control characters (CR and LF, but
 * also VT 0x0B and FS 0x1C, which would end the MLLP frame early) become `\Xhh\`; tab is kept.
 * One pass, so an escape character we add is never escaped again.
 */
export function escapeHl7Text(value: string): string {
  let escaped = '';
  for (const char of value) {
    const named = namedEscapes[char];
    if (named !== undefined) {
      escaped += named;
      continue;
    }
    const code = char.codePointAt(0) ?? 0;
    if ((code < 0x20 && char !== '\t') || code === 0x7f) {
      escaped += `\\X${code.toString(16).toUpperCase().padStart(2, '0')}\\`;
      continue;
    }
    escaped += char;
  }
  return escaped;
}

const reverseNamed: Record<string, string> = {
  F: Hl7Delimiters.field,
  S: Hl7Delimiters.component,
  T: Hl7Delimiters.subcomponent,
  R: Hl7Delimiters.repetition,
  E: Hl7Delimiters.escape,
  '.br': '\n',
};

/**
 * Reverses {@link escapeHl7Text} and reads the escapes other senders use (`\.br\` from FT fields,
 * multi-byte `\Xhhhh\` as UTF-8). An escape we do not know (`\H\`, `\Zxx\`, …) is dropped, as the
 * standard allows for formatting escapes a receiver does not support.
 */
export function unescapeHl7Text(value: string): string {
  if (!value.includes(Hl7Delimiters.escape)) return value;
  return value.replace(/\\([^\\]*)\\/g, (_sequence, body: string) => {
    const named = reverseNamed[body];
    if (named !== undefined) return named;
    const hex = /^X((?:[0-9A-Fa-f]{2})+)$/.exec(body);
    if (hex?.[1]) {
      const bytes = Uint8Array.from(hex[1].match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
      return new TextDecoder().decode(bytes);
    }
    return '';
  });
}

/**
 * HL7 DTM in UTC with an explicit offset: `YYYYMMDDHHMMSS+0000`. Explicit, because a receiver that
 * assumes its own local zone would otherwise shift the note's time. (@medplum/core's
 * formatHl7DateTime omits the offset and writes 5 ms as `.5`, which reads as 500 ms.)
 */
export function formatHl7Timestamp(at: Date): string {
  if (Number.isNaN(at.getTime())) throw new RangeError('Invalid date');
  const pad = (n: number, width = 2): string => n.toString().padStart(width, '0');
  return (
    pad(at.getUTCFullYear(), 4) + pad(at.getUTCMonth() + 1) + pad(at.getUTCDate()) +
    pad(at.getUTCHours()) + pad(at.getUTCMinutes()) + pad(at.getUTCSeconds()) + '+0000'
  );
}

/** HL7 DT from an ISO calendar date (`1952-03-03` → `19520303`); anything else is dropped. */
export function formatHl7Date(isoDate: string | undefined): string {
  if (!isoDate) return '';
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  return match ? `${match[1]}${match[2]}${match[3]}` : '';
}
