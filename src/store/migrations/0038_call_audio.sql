-- Call audio kept by Callchart itself (issue 17, TR-3): only with `speech.audio.keep` on and the
-- caller's record consent granted at the end of the call. The audio (as received: 8 kHz mu-law
-- from Twilio Media Streams, or 16-bit PCM) is sealed with the `audio` data key of its day
-- (envelope encryption, crypto-shredding as for transcripts). `expires_at` is when
-- `speech.audio.retentionDays` ends; the retention purge deletes it then, or earlier when the
-- call's retention class (`audioDays`) says so, and never while a legal hold is in force.
create table call_audio (
  id uuid primary key,
  call_id uuid not null references call (id),
  format text not null check (format in ('mulaw', 'pcm_s16le')),
  sample_rate integer not null check (sample_rate > 0),
  duration_ms integer not null check (duration_ms >= 0),
  byte_count integer not null check (byte_count >= 0),
  -- True when the call was longer than the in-memory bound and its end was not kept.
  truncated boolean not null default false,
  ciphertext bytea not null,
  key_id text not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index call_audio_call_idx on call_audio (call_id);
create index call_audio_expires_idx on call_audio (expires_at);

-- In the content inventory as the `audio` class, like every other piece of call content.
create function call_audio_inventory() returns trigger language plpgsql as $$
begin
  if tg_op = 'DELETE' then
    perform content_inventory_forget('audio', old.id::text);
    return old;
  end if;
  perform content_inventory_store('audio', new.id::text, new.call_id, new.key_id);
  return new;
end;
$$;
create trigger call_audio_inventory after insert or update of key_id on call_audio for each row execute function call_audio_inventory();
create trigger call_audio_inventory_delete before delete on call_audio for each row execute function call_audio_inventory();
