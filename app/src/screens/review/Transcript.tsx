import { Box, Text } from '@mantine/core';
import { Fragment } from 'react';
import type { NoteField, Span } from './types';
import { fieldWords, redFlagInWords } from './words';

export interface TranscriptMark extends Span {
  /** `unsure`: a word the machine was unsure of (issue 17), marked with a dotted underline. */
  kind: 'evidence' | 'red-flag' | 'unsure';
  /** The field whose evidence this is, or the red flag's code. */
  of: string;
}

/**
 * The (redacted) transcript with the evidence of the field being worked on highlighted, and every
 * red flag's words marked. Segments are cut at every span boundary, so overlapping marks combine.
 */
export function Transcript({ text, marks, activeField }: { text: string; marks: readonly TranscriptMark[]; activeField: NoteField | null }) {
  const cuts = new Set<number>([0, text.length]);
  for (const mark of marks) {
    cuts.add(Math.max(0, Math.min(text.length, mark.start)));
    cuts.add(Math.max(0, Math.min(text.length, mark.end)));
  }
  const points = [...cuts].sort((a, b) => a - b);
  const segments = points.slice(0, -1).map((start, index) => {
    const end = points[index + 1]!;
    const covering = marks.filter((mark) => mark.start <= start && mark.end >= end && mark.end > mark.start);
    return { start, end, covering };
  });
  return (
    <Box component="p" data-testid="transcript" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', lineHeight: 1.7, margin: 0 }}>
      {segments.map(({ start, end, covering }) => {
        const words = text.slice(start, end);
        const flag = covering.find((mark) => mark.kind === 'red-flag');
        const evidence = covering.filter((mark) => mark.kind === 'evidence');
        const active = activeField !== null && evidence.some((mark) => mark.of === activeField);
        const unsure = covering.some((mark) => mark.kind === 'unsure');
        if (!flag && evidence.length === 0 && !unsure) return <Fragment key={start}>{words}</Fragment>;
        const title = [
          unsure ? 'The machine was unsure of this word' : null, flag ? `Red flag: ${redFlagInWords(flag.of)}` : null,
          ...evidence.map((mark) => `Evidence for ${fieldWords[mark.of as NoteField] ?? 'a field'}`),
        ].filter(Boolean).join('; ');
        if (!flag && evidence.length === 0) {
          return (
            <span key={start} title={title} data-unsure="true" style={{ textDecoration: 'underline dotted #e8590c', textDecorationThickness: 2, textUnderlineOffset: 3 }}>
              {words}
            </span>
          );
        }
        return (
          <mark
            key={start}
            title={title}
            data-evidence={evidence.map((mark) => mark.of).join(' ') || undefined}
            data-active={active || undefined}
            data-red-flag={flag?.of}
            data-unsure={unsure || undefined}
            style={{
              ...(unsure ? { textDecoration: 'underline dotted #e8590c', textDecorationThickness: 2, textUnderlineOffset: 3 } : {}),
              // Dark text on light fills in both themes: 4.5:1 contrast whatever the scheme.
              color: '#1a1b1e',
              background: active ? '#ffd43b' : flag ? '#ffc9c9' : '#fff3bf',
              outline: active ? '2px solid #e67700' : flag ? '1px solid #c92a2a' : undefined,
              borderRadius: 2,
              padding: '0 1px',
            }}
          >
            {words}
          </mark>
        );
      })}
    </Box>
  );
}

export function NoTranscript() {
  return (
    <Text c="dimmed" size="sm">
      There is no transcript for this call (the caller did not consent to transcription, or nothing was said). Write the note from the call itself.
    </Text>
  );
}
