-- Media Streams (issue 11): each <Stream> carries a one-time token bound to its call. A token's
-- nonce is recorded when a stream uses it, so a replay is refused in every process until the token
-- has expired anyway; rows are deleted some minutes after that.
create table media_stream_token_use (
  nonce text primary key,
  call_sid text not null,
  expires_at timestamptz not null,
  used_at timestamptz not null default now()
);
create index media_stream_token_use_expires_idx on media_stream_token_use (expires_at);
