-- Transcript quality (issue 17, TR-1/TR-2 item 4): how far each stored transcript can be trusted,
-- as codes in clear (for lists, choice of transcript and policy), and its segments with words and
-- confidences sealed like the text (the words are PHI). Old rows: not judged (null), no segments.
alter table transcript add column quality text check (quality in ('ok', 'low', 'unusable'));
alter table transcript add column quality_reasons text[] not null default '{}';
-- What `ciphertext` seals: 'text' (the transcript text, as before) or 'text+segments' (JSON
-- {text, segments}): the words sit in the same sealed value as the text, so key rotation, re-sealing,
-- retention and shredding treat them as one artifact.
alter table transcript add column sealed_format text not null default 'text' check (sealed_format in ('text', 'text+segments'));

-- Which transcript the analysis used, and how good it was: codes only (the text stays sealed).
alter table call_analysis add column transcript_source text;
alter table call_analysis add column transcript_quality text check (transcript_quality in ('ok', 'low', 'unusable'));
alter table call_analysis add column transcript_quality_reasons text[] not null default '{}';

-- Twilio real-time transcription (<Start><Transcription>): each final utterance made durable before
-- Twilio's callback is answered, idempotent on (call, TranscriptionSid, SequenceId) so retries never
-- duplicate. Sealed under the `transcript` artifact class. Once the utterances are assembled into one
-- `transcript` row (on transcription-stopped/-error or the call's end), the sealed text here is
-- dropped (`ciphertext` null) and only the ids stay, so a late retry still finds its row.
create table realtime_transcript_segment (
  call_id uuid not null references call (id),
  transcription_sid text not null,
  sequence_id integer not null check (sequence_id >= 0),
  confidence real check (confidence >= 0 and confidence <= 1),
  ciphertext bytea,
  key_id text,
  received_at timestamptz not null default now(),
  assembled_at timestamptz,
  primary key (call_id, transcription_sid, sequence_id)
);
