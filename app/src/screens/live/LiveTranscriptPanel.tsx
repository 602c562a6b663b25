import { Stack, Text, VisuallyHidden } from '@mantine/core';
import { Tag, type Tone } from './Tag';
import type { LiveTranscript } from './types';

const qualityTone: Record<LiveTranscript['quality'], Tone> = { ok: 'green', low: 'orange', unusable: 'red' };

/** The quality verdict in words a nurse can act on (issue 17, item 4): never a colour alone. */
export function transcriptQualityWords(transcript: Pick<LiveTranscript, 'quality' | 'qualityReasons'>): string {
  const reasons = new Set(transcript.qualityReasons);
  if (reasons.has('narrowband-audio')) return "Phone audio: the machine transcript is unreliable; the phone system's transcript will be used";
  if (transcript.quality === 'unusable') {
    if (reasons.has('engine-failed')) return 'The recogniser failed on part of the call: listen to the caller, a person will review the call';
    if (reasons.has('too-quiet')) return 'Too quiet to transcribe: a person will review the call';
    return 'Not a usable transcript: a person will review the call';
  }
  if (transcript.quality === 'low') {
    if (reasons.has('engine-failed')) return 'Part of the call could not be transcribed (marked); the rest goes on';
    if (reasons.has('low-confidence')) return 'Machine transcript with uncertain words (underlined): check before relying on it';
    return 'Machine transcript of low quality: check before relying on it';
  }
  return 'Machine transcript';
}

/**
 * The call's live transcript: settled text (identifiers already replaced by the engine), the words
 * still being heard in a lighter style, uncertain words underlined with a word to say so. Polite
 * live region: a screen reader hears new text when it is idle, and focus never moves.
 */
export function LiveTranscriptPanel({ transcript }: { transcript: LiveTranscript }) {
  return (
    <Stack gap={6} data-field="live-transcript" data-quality={transcript.quality}>
      <Text size="sm" fw={600} component="h4" m={0}>
        Live transcript
      </Text>
      <Tag tone={qualityTone[transcript.quality]} filled={transcript.quality !== 'ok'} icon={transcript.quality === 'ok' ? undefined : '!'} radius="sm" style={{ paddingBlock: 4, alignSelf: 'flex-start', maxWidth: '100%' }} data-field="transcript-quality">
        {transcriptQualityWords(transcript)}
      </Tag>
      <Text size="sm" aria-live="polite" aria-atomic="false" aria-relevant="additions text" style={{ overflowWrap: 'anywhere', maxHeight: '12rem', overflowY: 'auto' }} data-field="transcript-text">
        {transcript.pieces.map((piece, index) =>
          piece.kind === 'low-confidence' ? (
            <span key={index} data-low-confidence style={{ textDecoration: 'underline dotted', textUnderlineOffset: '3px' }} title="uncertain word">
              {piece.text}
              <VisuallyHidden component="span"> (uncertain)</VisuallyHidden>
            </span>
          ) : piece.kind === 'redacted' ? (
            <span key={index} data-redacted>
              {piece.text}
            </span>
          ) : (
            <span key={index}>{piece.text}</span>
          ),
        )}
        {transcript.pending ? (
          <>
            {' '}
            <span data-field="transcript-partial" style={{ color: 'var(--mantine-color-dimmed)', fontStyle: 'italic' }}>
              {transcript.pending}
            </span>
          </>
        ) : null}
        {!transcript.pieces.length && !transcript.pending ? <span>Listening…</span> : null}
      </Text>
      {transcript.lowConfidenceWords ? (
        <Text size="xs" c="dimmed">
          {transcript.lowConfidenceWords} uncertain word{transcript.lowConfidenceWords === 1 ? '' : 's'} underlined.{transcript.pending ? ' Grey italic words are still being heard and may change.' : ''}
        </Text>
      ) : transcript.pending ? (
        <Text size="xs" c="dimmed">
          Grey italic words are still being heard and may change; numbers show as … until settled.
        </Text>
      ) : null}
    </Stack>
  );
}
