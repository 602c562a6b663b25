import { describe, expect, it } from 'vitest';
import { MediaStreamTracker, audioFormatFromTwilio, mediaStreamSignedUrl, type MediaStreamAction } from './twilio-media-stream.ts';
import { maxMediaPayloadBytes, parseTwilioMediaMessage, type TwilioMediaStreamMessage } from './twilio-media.schema.ts';

// Synthetic fixtures: made-up SIDs, mu-law silence (0xFF). No real call data.
const accountSid = `AC${'a'.repeat(32)}`;
const callSid = `CA${'b'.repeat(32)}`;
const streamSid = `MZ${'c'.repeat(32)}`;
const silence = Buffer.alloc(160, 0xff).toString('base64');

/** Builds messages the way Twilio sends them (digit strings), then parses them through the schema. */
function wire(raw: Record<string, unknown>): TwilioMediaStreamMessage {
  const parsed = parseTwilioMediaMessage(JSON.stringify(raw), { maxMessageBytes: 64 * 1024 });
  if (!parsed.ok || parsed.message === null) throw new Error(`fixture did not parse: ${JSON.stringify(parsed)}`);
  return parsed.message;
}
const connected = () => wire({ event: 'connected', protocol: 'Call', version: '1.0.0' });
const start = (sequenceNumber = 1, overrides: Record<string, unknown> = {}) =>
  wire({
    event: 'start', sequenceNumber: String(sequenceNumber), streamSid,
    start: { accountSid, streamSid, callSid, tracks: ['inbound'], customParameters: {}, mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 }, ...overrides },
  });
const media = (sequenceNumber: number, options: { payload?: string; track?: string; stream?: string } = {}) =>
  wire({
    event: 'media', sequenceNumber: String(sequenceNumber), streamSid: options.stream ?? streamSid,
    media: { track: options.track ?? 'inbound', chunk: String(sequenceNumber - 1), timestamp: String((sequenceNumber - 2) * 20), payload: options.payload ?? silence },
  });
const stop = (sequenceNumber: number, call = callSid) => wire({ event: 'stop', sequenceNumber: String(sequenceNumber), streamSid, stop: { accountSid, callSid: call } });

function run(tracker: MediaStreamTracker, messages: TwilioMediaStreamMessage[]): MediaStreamAction[] {
  return messages.map((message) => tracker.accept(message));
}

describe('MediaStreamTracker', () => {
  it('walks connected → start → media → stop and summarises the audio', () => {
    const tracker = new MediaStreamTracker();
    const actions = run(tracker, [connected(), start(1), ...Array.from({ length: 50 }, (_, index) => media(index + 2)), stop(52)]);
    expect(actions[0]).toEqual({ type: 'connected' });
    expect(actions[1]).toMatchObject({ type: 'started', stream: { callSid, streamSid, accountSid, tracks: ['inbound'], format: { encoding: 'mulaw', sampleRate: 8000, channels: 1 } } });
    const frames = actions.filter((action) => action.type === 'frame');
    expect(frames).toHaveLength(50);
    expect(frames[0]).toMatchObject({ sequence: 2, chunk: 1, timestampMs: 0, missingBefore: 0, track: 'inbound' });
    const first = frames[0]!;
    if (first.type !== 'frame') throw new Error('unreachable');
    expect(first.bytes).toHaveLength(160);
    expect(first.bytes.every((byte) => byte === 0xff)).toBe(true);
    expect(actions.at(-1)).toEqual({
      type: 'stopped',
      summary: { frames: 50, inboundFrames: 50, audioMs: 1000, duplicates: 0, gaps: 0, missingMessages: 0, dtmf: 0, marks: 0, violations: 0, connectedSeen: true, stopped: true },
    });
    expect(tracker.state).toBe('stopped');
  });

  it('drops a duplicate or older sequence number and counts it', () => {
    const tracker = new MediaStreamTracker();
    const actions = run(tracker, [connected(), start(1), media(2), media(3), media(3), media(2), media(4)]);
    expect(actions.map((action) => action.type)).toEqual(['connected', 'started', 'frame', 'frame', 'duplicate', 'duplicate', 'frame']);
    expect(tracker.summary()).toMatchObject({ frames: 3, duplicates: 2, gaps: 0 });
  });

  it('counts a gap as lost messages and keeps going with the newer frame', () => {
    const tracker = new MediaStreamTracker();
    const actions = run(tracker, [connected(), start(1), media(2), media(6), media(7), media(10), stop(11)]);
    expect(actions.filter((action) => action.type === 'frame').map((action) => action.type === 'frame' && action.missingBefore)).toEqual([0, 3, 0, 2]);
    expect(actions.at(-1)).toMatchObject({ type: 'stopped', summary: { frames: 4, gaps: 2, missingMessages: 5, audioMs: 80 } });
  });

  it('rejects media before start, and does not let it move the sequence on', () => {
    const tracker = new MediaStreamTracker();
    expect(tracker.accept(connected())).toEqual({ type: 'connected' });
    expect(tracker.accept(media(2))).toEqual({ type: 'rejected', code: 'MEDIA_BEFORE_START' });
    expect(tracker.accept(stop(3))).toEqual({ type: 'rejected', code: 'MEDIA_BEFORE_START' });
    expect(tracker.accept(start(1)).type).toBe('started');
    expect(tracker.accept(media(2)).type).toBe('frame');
    expect(tracker.summary()).toMatchObject({ frames: 1, violations: 2, duplicates: 0 });
  });

  it('rejects a second start, keeping the first stream', () => {
    const tracker = new MediaStreamTracker();
    run(tracker, [connected(), start(1), media(2)]);
    const otherCall = `CA${'d'.repeat(32)}`;
    expect(tracker.accept(start(3, { callSid: otherCall }))).toEqual({ type: 'rejected', code: 'START_REPEATED' });
    expect(tracker.stream?.callSid).toBe(callSid);
    expect(tracker.accept(media(3)).type).toBe('frame');
    expect(tracker.summary()).toMatchObject({ frames: 2, violations: 1, gaps: 0 });
  });

  it('rejects a payload that is not strict base64, even one that skipped the schema', () => {
    const tracker = new MediaStreamTracker();
    run(tracker, [connected(), start(1)]);
    // A caller that built the message by hand: Node would decode this garbage into shorter audio.
    const forged = { ...media(2), media: { ...(media(2) as Extract<TwilioMediaStreamMessage, { event: 'media' }>).media, payload: '/w==!!%%/w==' } } as TwilioMediaStreamMessage;
    expect(tracker.accept(forged)).toEqual({ type: 'rejected', code: 'PAYLOAD_INVALID' });
    // The rejected frame's sequence number is still free: the real frame is not a duplicate.
    expect(tracker.accept(media(2)).type).toBe('frame');
    expect(tracker.summary()).toMatchObject({ frames: 1, violations: 1, duplicates: 0 });
  });

  it('refuses messages for another stream, a stop for another call, an unexpected track, and anything after stop', () => {
    const tracker = new MediaStreamTracker();
    run(tracker, [connected(), start(1)]);
    expect(tracker.accept(media(2, { stream: `MZ${'e'.repeat(32)}` }))).toEqual({ type: 'rejected', code: 'STREAM_MISMATCH' });
    expect(tracker.accept(media(2, { track: 'outbound' }))).toEqual({ type: 'rejected', code: 'TRACK_UNEXPECTED' });
    expect(tracker.accept(stop(2, `CA${'f'.repeat(32)}`))).toEqual({ type: 'rejected', code: 'CALL_MISMATCH' });
    expect(tracker.accept(stop(2)).type).toBe('stopped');
    expect(tracker.accept(media(3))).toEqual({ type: 'rejected', code: 'MESSAGE_AFTER_STOP' });
  });

  it('refuses a media format it cannot carry', () => {
    const tracker = new MediaStreamTracker();
    expect(tracker.accept(start(1, { mediaFormat: { encoding: 'audio/x-l16', sampleRate: 16000, channels: 1 } }))).toEqual({ type: 'rejected', code: 'MEDIA_FORMAT_UNSUPPORTED' });
    expect(tracker.state).toBe('awaiting-start');
    expect(audioFormatFromTwilio({ encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 2 })).toBeNull();
  });

  it('passes DTMF and marks through in sequence, and tolerates a missing connected', () => {
    const tracker = new MediaStreamTracker();
    run(tracker, [start(1), media(2)]);
    expect(tracker.accept(wire({ event: 'dtmf', sequenceNumber: '3', streamSid, dtmf: { track: 'inbound_track', digit: '7' } }))).toEqual({ type: 'dtmf', digit: '7', sequence: 3 });
    expect(tracker.accept(wire({ event: 'mark', sequenceNumber: '4', streamSid, mark: { name: 'prompt-1' } }))).toEqual({ type: 'mark', name: 'prompt-1', sequence: 4 });
    expect(tracker.accept(connected())).toEqual({ type: 'rejected', code: 'CONNECTED_REPEATED' });
    expect(tracker.summary()).toMatchObject({ dtmf: 1, marks: 1, connectedSeen: false });
  });
});

describe('Twilio media message schema', () => {
  const parse = (raw: unknown, maxMessageBytes = 64 * 1024) => parseTwilioMediaMessage(typeof raw === 'string' ? raw : JSON.stringify(raw), { maxMessageBytes });
  const mediaRaw = (payload: string, sequenceNumber = '3') => ({ event: 'media', sequenceNumber, streamSid, media: { track: 'inbound', chunk: '1', timestamp: '5', payload } });

  it('accepts the documented example shapes and turns digit strings into numbers', () => {
    const parsed = parse(mediaRaw(silence));
    expect(parsed).toMatchObject({ ok: true, message: { event: 'media', sequenceNumber: 3, media: { chunk: 1, timestamp: 5 } } });
    expect(parse({ event: 'connected', protocol: 'Call', version: '1.0.0' })).toMatchObject({ ok: true });
  });

  it('names the failing field, never its value', () => {
    expect(parse(mediaRaw(silence, '3a'))).toEqual({ ok: false, code: 'MESSAGE_INVALID', paths: ['sequenceNumber'] });
    expect(parse(mediaRaw(silence, '-1'))).toMatchObject({ ok: false, paths: ['sequenceNumber'] });
    expect(parse(mediaRaw('not base64!'))).toEqual({ ok: false, code: 'PAYLOAD_INVALID', paths: ['media.payload'] });
    expect(parse(mediaRaw(''))).toEqual({ ok: false, code: 'PAYLOAD_INVALID', paths: ['media.payload'] });
    expect(parse('{"event":')).toEqual({ ok: false, code: 'MESSAGE_NOT_JSON', paths: [] });
    // Custom parameter keys are chosen by whoever wrote the TwiML: masked in paths.
    const badStart = parse({ event: 'start', sequenceNumber: '1', streamSid, start: { accountSid, streamSid, callSid, tracks: ['inbound'], customParameters: { '+15555550123': 42 }, mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 } } });
    expect(badStart).toEqual({ ok: false, code: 'MESSAGE_INVALID', paths: ['start.customParameters.*'] });
  });

  it('caps frame and message size', () => {
    const justRight = Buffer.alloc(maxMediaPayloadBytes, 0xff).toString('base64');
    const tooBig = Buffer.alloc(maxMediaPayloadBytes + 3, 0xff).toString('base64');
    expect(parse(mediaRaw(justRight))).toMatchObject({ ok: true });
    expect(parse(mediaRaw(tooBig))).toEqual({ ok: false, code: 'PAYLOAD_TOO_LARGE', paths: ['media.payload'] });
    expect(parse(mediaRaw(silence), 100)).toEqual({ ok: false, code: 'MESSAGE_TOO_LARGE', paths: [] });
  });

  it('skips an event type Twilio may add later instead of failing the stream', () => {
    expect(parse({ event: 'future_event', whatever: 1 })).toEqual({ ok: true, message: null, unknownEvent: true });
    expect(parse({ event: 'MEDIA' })).toMatchObject({ ok: false, code: 'MESSAGE_INVALID' });
  });
});

describe('mediaStreamSignedUrl', () => {
  it('maps the request URL behind TLS termination back to the wss URL Twilio signed', () => {
    expect(mediaStreamSignedUrl('https://clinic.example.test/media/twilio')).toBe('wss://clinic.example.test/media/twilio');
    expect(mediaStreamSignedUrl('http://127.0.0.1:3000/media/twilio')).toBe('ws://127.0.0.1:3000/media/twilio');
    expect(mediaStreamSignedUrl('wss://clinic.example.test/media/twilio')).toBe('wss://clinic.example.test/media/twilio');
  });
});
